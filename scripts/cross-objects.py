#!/usr/bin/env python3
"""What scripts/cross checks and measures on the library's release objects.

Usage: cross-objects.py TARGET BINUTILS_PREFIX RLIB_WITH_TABLE RLIB_WITHOUT_TABLE

- Size: the crate's own code and data in a release build, that is the
  `.text*`, `.rodata*` and `.data*` sections of the objects in its rlib
  (dependencies and the standard library not counted; for WebAssembly the
  code and data sections), with and without the `precomputed-tables` feature;
  the difference is the table of powers of g.
- No `__multi3`: no object of the library calls the compiler's 128-bit
  multiplication routine (on 32-bit targets and wasm32 a `u64 x u64 -> u128`
  product may compile to it; `mul_wide` avoids it).
- On aarch64, the conditional branches of the arithmetic's hot functions
  (the exponentiations with their inlined Montgomery products, squarings,
  reductions, masked table scans and final subtractions): each must test a
  loop counter against a fixed bound or a public length, never a value
  computed from the operands (see check_branches). Exits 1 on any failure.
"""

import os
import re
import subprocess
import sys
import tempfile


def members(rlib, tmp):
    """The object files of an rlib (its metadata left out), extracted."""
    out = os.path.join(tmp, os.path.basename(rlib))
    os.makedirs(out)
    subprocess.run(["ar", "x", os.path.abspath(rlib)], cwd=out, check=True)
    return sorted(
        os.path.join(out, name) for name in os.listdir(out) if name.endswith(".o")
    )


def leb(data, pos):
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def wasm_sizes(path):
    """(code, data) bytes of a WebAssembly object: sections 10 and 11."""
    data = open(path, "rb").read()
    assert data[:4] == b"\0asm", path
    pos, sizes = 8, {10: 0, 11: 0}
    while pos < len(data):
        section = data[pos]
        size, pos = leb(data, pos + 1)
        if section in sizes:
            sizes[section] += size
        pos += size
    return sizes[10], sizes[11]


def elf_sizes(prefix, path):
    """(text, rodata, data) bytes of an ELF object, by section name."""
    out = subprocess.run(
        [prefix + "size", "-A", path], check=True, capture_output=True, text=True
    ).stdout
    sizes = {"text": 0, "rodata": 0, "data": 0}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            name = parts[0]
            for kind in sizes:
                if name == "." + kind or name.startswith("." + kind + "."):
                    sizes[kind] += int(parts[1])
            if name.startswith(".data.rel.ro"):
                pass  # counted under .data
    return sizes


def size_of(target, prefix, objects):
    if target.startswith("wasm32"):
        code = sum(wasm_sizes(o)[0] for o in objects)
        data = sum(wasm_sizes(o)[1] for o in objects)
        return code + data, f"code {code}, data {data}"
    total = {"text": 0, "rodata": 0, "data": 0}
    for o in objects:
        for kind, size in elf_sizes(prefix, o).items():
            total[kind] += size
    return sum(total.values()), ", ".join(f".{k} {v}" for k, v in total.items())


def calls_multi3(objects):
    return [os.path.basename(o) for o in objects if b"__multi3" in open(o, "rb").read()]


# aarch64 conditional branches and the registers they test.
COND = re.compile(r"^\s*([0-9a-f]+):\s+(b\.\w+|cbn?z|tbn?z)\s+(.*)$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
FLAGS = ("cmp", "cmn", "subs", "adds", "tst", "ands", "ccmp", "ccmn", "negs", "bics")


def registers(operands):
    return [
        r
        for r in re.findall(r"\b([xw]\d+|sp|xzr|wzr)\b", operands)
        if r not in ("xzr", "wzr")
    ]


def norm(reg):
    return "x" + reg[1:] if reg[0] in "xw" else reg


HOT = re.compile(
    r"cognito_srp::arith::(modulus::Modulus::(pow|mul|add|sub|reduce|leave_montgomery|"
    r"mont_mul|mont_sqr|add_limbs)"
    r"|fixed_base::FixedBase::pow|fixed_base::select_row_entry"
    r"|portable::|limbs::(select|select_entry|conditional_subtract|sub_limbs|add_limbs|window))"
)
SKIP = re.compile(r"pow_vartime")


def functions(prefix, objects):
    """{demangled name: [instruction lines]} of every hot function."""
    found = {}
    for o in objects:
        out = subprocess.run(
            [prefix + "objdump", "-d", "-C", "--no-show-raw-insn", o],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        name = None
        for line in out.splitlines():
            head = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
            if head:
                name = head.group(1)
                if not HOT.search(name) or SKIP.search(name):
                    name = None
                else:
                    found.setdefault(name, [])
            elif name and INSN.match(line):
                found[name].append(line)
    return found


def counters(insns):
    """Registers written only as counters: set to a constant or moved from
    another register, and otherwise only stepped by a constant (`add`/`sub`
    of an immediate, with or without flags). Values read from memory or
    computed by multiplications, carries, logic or shifts are not counters."""
    writes = {}
    for line in insns:
        m = INSN.match(line)
        op, rest = m.group(2), m.group(3)
        regs = registers(rest.split("//")[0])
        if not regs or op.startswith(("b", "st", "cb", "tb", "ret", "cmp", "cmn", "tst", "ccm")):
            if op.startswith(("ldp", "ldr")):
                pass
            else:
                continue
        if op.startswith(("ld",)):
            dests = regs[:2] if op.startswith("ldp") else regs[:1]
            for d in dests:
                writes.setdefault(norm(d), []).append("load")
            continue
        dest = norm(regs[0])
        src = [norm(r) for r in regs[1:]]
        imm = "#" in rest
        if op in ("mov", "movz", "movn", "movk", "orr") and (imm and not src or op == "mov"):
            kind = "const" if not src else "copy"
        elif op in ("add", "sub", "adds", "subs") and imm and src == [dest]:
            kind = "step"
        elif op in ("add", "sub") and imm and len(src) == 1:
            kind = "offset"  # a pointer or bound derived from a public base
        else:
            kind = "data:" + op
        writes.setdefault(dest, []).append(kind)
    return {
        r for r, kinds in writes.items() if all(k in ("const", "copy", "step", "offset") for k in kinds)
    }


def check_branches(funcs):
    """Every conditional branch must test counters (or argument registers
    never overwritten by data), else it is reported with its function."""
    problems, total = [], 0
    for name, insns in funcs.items():
        ok = counters(insns)
        for i, line in enumerate(insns):
            m = COND.match(line)
            if not m:
                continue
            total += 1
            op, operands = m.group(2), m.group(3)
            if op.startswith(("cb", "tb")):
                tested = [norm(registers(operands)[0])]
                setter = line
            else:
                # The nearest earlier flag-setting instruction.
                setter, tested = None, []
                for prev in reversed(insns[:i]):
                    p = INSN.match(prev)
                    if p.group(2).startswith(FLAGS):
                        setter = prev
                        regs = registers(p.group(3).split("//")[0])
                        # subs/adds/ands write a destination first.
                        if p.group(2) in ("subs", "adds", "ands", "negs", "bics"):
                            regs = regs[1:]
                        tested = [norm(r) for r in regs]
                        break
                if setter is None:
                    problems.append(f"{name}: {line.strip()}: no flag setter found")
                    continue
            bad = [r for r in tested if r not in ok and r != "sp"]
            if bad:
                problems.append(
                    f"{name}: {line.strip()} tests {', '.join(bad)} "
                    f"(set by `{setter.strip()}`), not a counter"
                )
    return total, problems


def main():
    target, prefix, with_table, without_table = sys.argv[1:5]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        objs_with = members(with_table, os.path.join(tmp, "with"))
        objs_without = members(without_table, os.path.join(tmp, "without"))
        size_with, detail_with = size_of(target, prefix, objs_with)
        size_without, detail_without = size_of(target, prefix, objs_without)
        print(f"size on {target}: {size_with} bytes with the table ({detail_with})")
        print(f"size on {target}: {size_without} bytes without it ({detail_without})")
        print(f"size on {target}: the table of powers of g takes {size_with - size_without} bytes")

        calls = calls_multi3(objs_with) + calls_multi3(objs_without)
        if calls:
            print(f"FAILED: objects that call __multi3 on {target}: {calls}")
            failures += 1
        else:
            print(f"no __multi3 on {target}: none of the library's {len(objs_with)} objects calls it")

        if target.startswith("aarch64"):
            funcs = functions(prefix, objs_with)
            total, problems = check_branches(funcs)
            insns = sum(len(v) for v in funcs.values())
            print(
                f"aarch64 branches: {len(funcs)} hot functions, {insns} instructions, "
                f"{total} conditional branches, each on a counter or public bound"
                if not problems
                else f"aarch64 branches: {len(problems)} of {total} conditional branches not on a counter"
            )
            for name in sorted(funcs):
                print(f"  {name}: {len(funcs[name])} instructions")
            for p in problems:
                print(f"FAILED: {p}")
            if not funcs:
                print("FAILED: no hot function found in the aarch64 objects")
                failures += 1
            failures += len(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
