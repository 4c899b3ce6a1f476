"""A throwaway certificate authority and a server certificate for loopback, for the secure local stack.

Why in Python: the secure stack must start on a machine with Python and Java only (no openssl
command, no ``elasticsearch-certutil`` run as root on files the server's account must read), and
``cryptography`` is already a dependency. Kafka reads PEM directly (``ssl.keystore.type=PEM``),
Elasticsearch reads PEM for ``xpack.security.http.ssl.certificate``/``key``, and Python clients
take the CA file, so PEM is the one format needed.

The server certificate names ``localhost`` and ``127.0.0.1`` (and ``::1``), so clients verify the
host name as they would in production; nothing here disables verification. RSA 2048 keys: every
Java and every TLS library accepts them. The CA's key is kept (``ca.key``) only so the folder can
issue again; the servers never read it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 825  # the longest validity browsers and Java accept for a server certificate
LOOPBACK_NAMES = ("localhost",)
LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class CertificateFiles:
    """Where the PEM files of one certificate folder are."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def server_cert(self) -> Path:
        """The server certificate followed by the CA's: the chain a server presents."""
        return self.folder / "server.crt"

    @property
    def server_key(self) -> Path:
        """The server's private key, unencrypted PKCS#8 (what Kafka's PEM keystore and Elasticsearch read)."""
        return self.folder / "server.key"

    def complete(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.ca_key, self.server_cert, self.server_key))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "newsmon local stack"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)


def issue(folder: Path, common_name: str = "localhost") -> CertificateFiles:
    """Create a CA and a server certificate for loopback in ``folder`` unless they already exist."""
    files = CertificateFiles(Path(folder))
    if files.complete():
        return files
    files.folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)  # tolerate a little clock skew
    until = now + dt.timedelta(days=VALID_DAYS)

    ca_key = _key()
    ca_name = _name("newsmon local stack CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = _key()
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in LOOPBACK_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in LOOPBACK_ADDRESSES]
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    _write_private(files.ca_key, _pem_key(ca_key))
    _write_private(files.server_key, _pem_key(server_key))
    files.server_cert.write_bytes(server_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    files.ca_cert.write_bytes(ca_cert.public_bytes(pem))  # last: complete() is true only once all exist
    return files


def pem_keystore(key_file: Path, cert_files: list[Path], out_file: Path) -> Path:
    """Kafka's PEM key store (``ssl.keystore.type=PEM``): the private key as unencrypted PKCS#8, then the
    certificate chain. Kafka reads only PKCS#8 keys; ``elasticsearch-certutil --pem`` writes PKCS#1
    (``BEGIN RSA PRIVATE KEY``), so the deployment converts its Kafka key with this."""
    key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    chain = b"".join(Path(c).read_bytes() for c in cert_files)
    _write_private(Path(out_file), _pem_key(key) + chain)  # type: ignore[arg-type]
    return Path(out_file)


def main(argv: list[str] | None = None) -> None:
    """``python -m newsmon.stack.certs KEY CERT [CA ...] OUT``: write a Kafka PEM key store (deploy/'s setup)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3:
        sys.exit("usage: python -m newsmon.stack.certs KEY CERT [CA ...] OUT")
    out = pem_keystore(Path(args[0]), [Path(a) for a in args[1:-1]], Path(args[-1]))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
