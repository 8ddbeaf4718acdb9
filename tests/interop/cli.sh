#!/usr/bin/env bash
# The `cognito-srp` command (on the AWS SDK for Rust), against mock-cognito:
# public and admin USER_SRP_AUTH, USER_AUTH, CUSTOM_AUTH with SRP_A, a
# remembered device then DEVICE_SRP_AUTH, NEW_PASSWORD_REQUIRED, TOTP, and the
# refusals. Each check prints PASS, FAIL or PENDING (a check named
# "cli:NAME" in INTEROP_PENDING may fail without failing the run).
# Usage: cli.sh CLI ENDPOINT SEED POOL_ID CLIENT_ID ENABLED_CLIENT_ID PYTHON
set -uo pipefail
cli=$1 endpoint=$2 seed=$3 pool=$4 client=$5 enabled=$6 python=$7
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 waiting=0

# seed FIELD USER: a field of a seed user.
seed() {
  "$python" -c 'import json,sys; p=[p for p in json.load(open(sys.argv[1]))["pools"] if p["id"]==sys.argv[2]][0]
print(next(u for u in p["users"] if u["username"]==sys.argv[4])[sys.argv[3]])' "$seed" "$pool" "$1" "$2"
}
credential() {
  "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentials"][0][sys.argv[2]])' "$seed" "$1"
}
totp() { "$python" -c 'import pyotp,sys; print(pyotp.TOTP(sys.argv[1]).now())' "$(seed totp_secret "$1")"; }
# claim TOKEN NAME: a claim of a JWT.
claim() {
  "$python" -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]
print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4))).get(sys.argv[2], ""))' "$1" "$2"
}
access_token() { "$python" -c 'import json,sys; print(json.load(sys.stdin)["AccessToken"])'; }

# sign_in STDIN ARGS...: one run of the command; its output in $work/out, $work/err.
sign_in() {
  local input=$1
  shift
  printf '%s' "$input" | "$cli" sign-in --user-pool-id "$pool" --endpoint-url "$endpoint" "$@" \
    >"$work/out" 2>"$work/err"
}
# refused CODE: the last run exited with CODE and named no success.
refused() {
  local code=$1 got=$2
  [ "$got" = "$code" ] || { echo "exit status $got, expected $code: $(tail -1 "$work/err")"; return 1; }
}

check() {
  local name=$1
  shift
  local reason
  if reason="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    echo "  PASS $name"
  elif [[ ",${INTEROP_PENDING:-}," == *",cli:$name,"* ]]; then
    waiting=$((waiting + 1))
    echo "  PENDING $name: $(echo "$reason" | tail -1)"
  else
    failed=$((failed + 1))
    echo "  FAIL $name: $(echo "$reason" | tail -1)"
  fi
}

user=alice
password="$(seed password alice)"
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN

user_srp() {
  sign_in "$password"$'\n' --client-id "$client" --username "$user" || { cat "$work/err"; return 1; }
  [ "$(claim "$(access_token <"$work/out")" username)" = "$user" ]
}
admin_user_srp() {
  AWS_ACCESS_KEY_ID="$(credential access_key_id)" AWS_SECRET_ACCESS_KEY="$(credential secret_access_key)" \
    sign_in "$password"$'\n' --client-id "$client" --username "$user" --admin || { cat "$work/err"; return 1; }
  [ "$(claim "$(access_token <"$work/out")" username)" = "$user" ]
}
user_auth() {
  sign_in "$password"$'\n' --client-id "$client" --username "$user" --flow user-auth || { cat "$work/err"; return 1; }
  access_token <"$work/out" >/dev/null
}
custom_auth() {
  sign_in "$password"$'\n' --client-id "$client" --username "$user" --flow custom-auth \
    --custom-answer "$("$python" -c 'import json,sys; print([p for p in json.load(open(sys.argv[1]))["pools"] if p["id"]==sys.argv[2]][0]["custom_challenge"]["answer"])' "$seed" "$pool")" \
    || { cat "$work/err"; return 1; }
  access_token <"$work/out" >/dev/null
}
device_srp() {
  local store="$work/devices.json"
  sign_in "$password"$'\n' --client-id "$client" --username "$user" --remember-device --device-store "$store" \
    || { cat "$work/err"; return 1; }
  [ -s "$store" ] || { echo "no device stored"; return 1; }
  sign_in "$password"$'\n' --client-id "$client" --username "$user" --device-store "$store" \
    || { cat "$work/err"; return 1; }
  local key
  key="$(claim "$(access_token <"$work/out")" device_key)"
  [ -n "$key" ] && grep -q "$key" "$store" || { echo "the second sign-in did not go through DEVICE_SRP_AUTH"; return 1; }
}
new_password() {
  local name=newpw-rust
  sign_in "$(seed password $name)"$'\n'"Chosen-By-Rust-Cli-8"$'\n' --client-id "$client" --username $name \
    --new-password-stdin || { cat "$work/err"; return 1; }
  sign_in $'Chosen-By-Rust-Cli-8\n' --client-id "$client" --username $name || { cat "$work/err"; return 1; }
}
totp_mfa() {
  local name=totp-rust
  sign_in "$(seed password $name)"$'\n' --client-id "$client" --username $name --mfa-code "$(totp $name)" \
    || { cat "$work/err"; return 1; }
  [ "$(claim "$(access_token <"$work/out")" username)" = "$name" ]
}
wrong_password() { sign_in "${password}x"$'\n' --client-id "$client" --username "$user"; refused 1 $?; }
unknown_legacy() {
  sign_in "$password"$'\n' --client-id "$client" --username nobody-cli
  refused 1 $? && grep -q UserNotFoundException "$work/err"
}
unknown_enabled() {
  sign_in "$password"$'\n' --client-id "$enabled" --username nobody-cli
  refused 1 $? && grep -q NotAuthorizedException "$work/err"
}
bad_signature() {
  AWS_ACCESS_KEY_ID="$(credential access_key_id)" AWS_SECRET_ACCESS_KEY="wrong-secret-access-key" \
    sign_in "$password"$'\n' --client-id "$client" --username "$user" --admin
  local got=$?
  [ "$got" != 0 ] && grep -q InvalidSignatureException "$work/err" || { echo "exit $got: $(tail -1 "$work/err")"; return 1; }
}

echo "cognito-srp $("$cli" --version | awk '{print $2}') (the AWS SDK for Rust)"
check user-srp user_srp
check admin-user-srp admin_user_srp
check user-auth-password-srp user_auth
check custom-auth-with-srp custom_auth
check device-srp device_srp
check new-password-required new_password
check totp-mfa totp_mfa
check refused-wrong-password wrong_password
check refused-unknown-user-legacy unknown_legacy
check refused-unknown-user-enabled unknown_enabled
check refused-bad-signature bad_signature
echo "cli: $passed passed, $failed failed, $waiting pending"
[ "$failed" = 0 ]
