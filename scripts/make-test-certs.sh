#!/bin/sh
# Test certificates for local mTLS and WS-Security (README "Security"). NOT for production:
# the CA key sits next to the certificates and nothing is protected by a passphrase.
#
#   scripts/make-test-certs.sh OUT_DIR [CLIENT_NAME ...]      (default clients: alpha beta)
#
# Writes into OUT_DIR (created if needed):
#   ca.crt, ca.key                       a test CA (RSA 2048, valid DAYS days, default 30)
#   server.crt, server.key               a server certificate for localhost and 127.0.0.1
#   client-NAME.crt, client-NAME.key     one client certificate per NAME (CN=NAME), signed by the CA
#   fingerprints.txt                     "NAME <sha256 hex>" per client, the form certSha256 takes
#                                        in the parties file
# Every run makes a new CA: certificates of two runs do not trust each other (tests use that to
# make an "outsider" client).
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 OUT_DIR [CLIENT_NAME ...]" >&2
  exit 64
fi
OUT=$1
shift
[ $# -gt 0 ] || set -- alpha beta
DAYS=${DAYS:-30}
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found (apt-get install openssl)" >&2; exit 69; }

mkdir -p "$OUT"
umask 077
cd "$OUT"

# The test CA.
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days "$DAYS" \
  -keyout ca.key -out ca.crt -subj "/O=Blinker gateway test/CN=Blinker gateway test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# The server certificate: localhost and 127.0.0.1, for TLS_CERT_FILE / TLS_KEY_FILE.
openssl req -new -newkey rsa:2048 -sha256 -nodes -keyout server.key -out server.csr \
  -subj "/O=Blinker gateway test/CN=localhost" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 \
  -extfile server.ext -out server.crt 2>/dev/null

# Client certificates: TLS client authentication and WS-Security signatures (digitalSignature).
: > fingerprints.txt
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
for NAME in "$@"; do
  case $NAME in
    *[!A-Za-z0-9_-]*|'') echo "$0: client name '$NAME' must be letters, digits, - or _" >&2; exit 64 ;;
  esac
  openssl req -new -newkey rsa:2048 -sha256 -nodes -keyout "client-$NAME.key" -out "client-$NAME.csr" \
    -subj "/O=Blinker gateway test/CN=$NAME" 2>/dev/null
  openssl x509 -req -in "client-$NAME.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 \
    -extfile client.ext -out "client-$NAME.crt" 2>/dev/null
  FP=$(openssl x509 -in "client-$NAME.crt" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr 'A-F' 'a-f')
  echo "$NAME $FP" >> fingerprints.txt
done
rm -f ./*.csr ./*.ext ./*.srl
chmod 644 ./*.crt fingerprints.txt
echo "certificates written to $(pwd):"
cat fingerprints.txt
