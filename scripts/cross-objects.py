#!/usr/bin/env python3
"""What scripts/cross checks and measures on the library's release objects.

Usage: cross-objects.py TARGET BINUTILS_PREFIX RLIB_WITH_TABLE [RLIB_WITHOUT_TABLE|-]

With `-` for the second rlib (CI), no sizes are printed: the rlib given is
the one the tests linked, and only the checks below run on it.

- Size: the crate's own code and data in a release build, that is the
  `.text*`, `.rodata*` and `.data*` sections of the objects in its rlib
  (dependencies and the standard library not counted; for WebAssembly the
  code and data sections), with and without the `precomputed-tables` feature;
  the difference is the table of powers of g.
- No `__multi3`: no object of the library calls the compiler's 128-bit
  multiplication routine (on 32-bit targets and wasm32 a `u64 x u64 -> u128`
  product may compile to it; `mul_wide` avoids it).
- On aarch64, the conditional branches of the arithmetic's hot functions:
  in the Montgomery product and square (with their reduction and final
  subtraction) and the modular add, subtract, reduce and multiply, each must
  test a loop counter, else the check fails; in the two exponentiations
  (with their masked table scans inlined), branches on anything but a
  counter are listed for review (see check_branches); the README's Platforms
  section traces each one listed for Rust 1.96. Exits 1 on any failure.
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
    r"cognito_srp::hazmat::arith::(modulus::Modulus>::(pow|mul|add|sub|reduce|leave_montgomery"
    r"|mont_mul|mont_sqr|add_limbs)>?:?$"
    r"|fixed_base::FixedBase<\d+>>::pow>?:?$|fixed_base::select_row_entry|portable::|limbs::)"
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


STRICT = re.compile(r"Portable as .*>::mont_(mul|sqr)$|Modulus>::(add|sub|add_limbs|reduce|mul|leave_montgomery)$")


def definition(insns, index, reg, depth=0):
    """The nearest earlier instruction (in address order) that writes `reg`,
    and its kind: a constant, a step by a constant, an offset of another
    register by a constant or a copy (counters, pointers and bounds), a load,
    or a data operation (multiplication, carry, logic, shift...)."""
    for prev in reversed(insns[:index]):
        m = INSN.match(prev)
        op, rest = m.group(2), m.group(3).split("//")[0]
        if op.startswith(("b", "st", "cb", "tb", "ret", "cmp", "cmn", "tst", "ccm", "nop", "prfm")):
            continue
        regs = registers(rest)
        if not regs:
            continue
        dests = [norm(r) for r in (regs[:2] if op.startswith("ldp") else regs[:1])]
        if reg not in dests:
            continue
        src = [norm(r) for r in regs[1:]]
        imm = "#" in rest
        if op.startswith("ld"):
            return "load", prev
        if op in ("mov", "movz", "movn", "movk") and (imm or not src or op == "mov"):
            return ("const" if not src else "copy"), prev
        if op in ("add", "sub", "adds", "subs") and imm and src == [reg]:
            return "step", prev
        if op in ("add", "sub") and imm and len(src) == 1:
            return "offset", prev
        if op in ALU and depth < 8:
            # Public arithmetic on counters (i + j, w * 5, bit / 64) is a
            # counter; on anything loaded, loaded; else data.
            index = insns.index(prev)
            kinds = {definition(insns, index, r, depth + 1)[0] for r in set(src)}
            if "data" in kinds:
                return "data", prev
            if "load" in kinds:
                return "load", prev
            return "counter", prev
        return "data", prev
    return "argument", None


# Integer operations that a counter or bound may pass through; not the
# multiplications, carries or selections that only secret-carrying code uses.
ALU = ("add", "sub", "lsl", "lsr", "asr", "ubfx", "and", "orr", "cinc", "cset", "csinc", "neg")


def check_branches(funcs):
    """Each conditional branch and what its tested registers were last set
    by. In the Montgomery product and square (with their reduction and final
    subtraction) and the modular add, subtract, reduce and multiply, every
    one must test a counter (a constant stepped by constants, sums and shifts
    of counters, a pointer offset, or an argument: a length) against a
    constant or another counter, else the check fails. In the two
    exponentiations, which also check their declared widths and lengths and
    compute window positions from them, branches on anything else are listed
    with the instruction that set the register, for review.
    """
    problems, listed, total = [], [], 0
    for name, insns in funcs.items():
        strict = STRICT.search(name)
        for i, line in enumerate(insns):
            m = COND.match(line)
            if not m:
                continue
            total += 1
            op, operands = m.group(2), m.group(3)
            if op.startswith(("cb", "tb")):
                tested, at = [norm(registers(operands)[0])], i
            else:
                tested, at = None, None
                for k in range(i - 1, -1, -1):
                    p = INSN.match(insns[k])
                    if p.group(2).startswith(FLAGS):
                        regs = registers(p.group(3).split("//")[0])
                        if p.group(2) in ("subs", "adds", "ands", "negs", "bics"):
                            regs = regs[1:]
                        tested, at = [norm(r) for r in regs], k
                        break
                if tested is None:
                    problems.append(f"{name}: {line.strip()}: no flag setter found")
                    continue
            for reg in tested:
                kind, where = definition(insns, at, reg)
                said = f"{name}: `{line.strip()}` tests {reg}, last set by `{(where or 'the caller').strip()}` ({kind})"
                if strict and kind in ("data", "load"):
                    problems.append(said)
                elif kind in ("data", "load"):
                    listed.append(said)
    return total, problems, listed


def main():
    target, prefix, with_table, without_table = sys.argv[1:5]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        objs_with = members(with_table, os.path.join(tmp, "with"))
        objs_without = []
        if without_table != "-":
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
            total, problems, listed = check_branches(funcs)
            insns = sum(len(v) for v in funcs.values())
            print(
                f"aarch64 branches: {len(funcs)} hot functions, {insns} instructions, "
                f"{total} conditional branches; in the Montgomery and modular functions each on a counter; "
                f"{len(listed)} in the exponentiations listed for review"
                if not problems
                else f"aarch64 branches: {len(problems)} of {total} conditional branches in the strict set not on a counter"
            )
            for name in sorted(funcs):
                print(f"  {name}: {len(funcs[name])} instructions")
            for p in listed:
                print(f"  review: {p}")
            for p in problems:
                print(f"FAILED: {p}")
            if not funcs:
                print("FAILED: no hot function found in the aarch64 objects")
                failures += 1
            failures += len(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
