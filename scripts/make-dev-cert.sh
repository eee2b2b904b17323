#!/usr/bin/env bash
# Makes a self-signed certificate and key for trying TLS, valid for localhost and 127.0.0.1 (and
# any further host names or addresses given), with openssl or, where it is missing, keytool:
#   scripts/make-dev-cert.sh DIR [NAME ...]
# Writes DIR/edge-server.crt (give it to the server as --tls-cert and to clients as --trust) and
# DIR/edge-server.key (--tls-key; readable by its owner only). For development only: a real
# deployment uses a certificate from its own authority.
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "Usage: make-dev-cert.sh DIR [NAME ...]" >&2
  exit 1
fi
dir="$1"
shift
mkdir -p "$dir"
cert="$dir/edge-server.crt"
key="$dir/edge-server.key"
if [[ -e "$cert" || -e "$key" ]]; then
  echo "$cert or $key already exists; remove them first to make a new pair." >&2
  exit 1
fi
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
    san="$san,IP:$name"
  else
    san="$san,DNS:$name"
  fi
done
umask 077
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
    -subj "/CN=EdgeNet development server" -addext "subjectAltName=$san" \
    -keyout "$key" -out "$cert" 2>/dev/null
elif command -v keytool >/dev/null; then
  store="$(mktemp -d)/dev.p12"
  keytool -genkeypair -alias edge -keyalg EC -groupname secp256r1 -validity 365 \
    -dname "CN=EdgeNet development server" -ext "SAN=$san" \
    -keystore "$store" -storetype PKCS12 -storepass changeit -keypass changeit >/dev/null
  keytool -exportcert -rfc -alias edge -keystore "$store" -storepass changeit -file "$cert" >/dev/null
  # keytool prints the PKCS#8 key only from Java 21 on (-exportkey would need a newer JDK): the
  # jshell below reads it from the store and writes it as PEM.
  jshell -s -R-Dstore="$store" -R-Dkey="$key" - >/dev/null 2>&1 <<'JAVA'
var ks = java.security.KeyStore.getInstance("PKCS12");
ks.load(new java.io.FileInputStream(System.getProperty("store")), "changeit".toCharArray());
var k = ks.getKey("edge", "changeit".toCharArray());
var pem = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("key")), pem);
/exit
JAVA
  rm -rf "$(dirname "$store")"
else
  echo "Neither openssl nor keytool is installed." >&2
  exit 1
fi
chmod 600 "$key"
chmod 644 "$cert"
echo "Wrote $cert and $key (self-signed, valid 365 days for $san)"
