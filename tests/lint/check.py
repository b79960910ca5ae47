#!/usr/bin/env python3
"""Lints what tests/lint/issue.sh issued with DigiCert's pkilint, in one
process: RFC 5280 (certificates, CRLs, issuer-subject pairs) and the CA/B
Forum TLS Baseline Requirements (each certificate linted as the type it is
meant to be, not detected: without a reserved policy OID detection guesses).
Every finding at INFO or above fails, unless ALLOWED says why it is right.

usage: check.py DIR
"""
import contextlib
import io
import json
import os
import sys
import time

from pkilint.bin import lint_cabf_serverauth_cert as cabf
from pkilint.bin import lint_crl, lint_pkix_cert
from pkilint.bin import lint_pkix_signer_signee_cert_chain as chain

# The BRs' rules depend on the date a certificate's validity starts; pinned,
# so that the test does not change verdict as the calendar moves (the
# 199-day recommendation that leaf-199d meets exactly holds for certificates
# issued from 2026-03-15 to 2027-03-15).
RULES_AS_OF = "2026-06-01T00:00:00Z"

# code -> why certkit is right to emit it.
ALLOWED = {
    "pkix.subject_key_identifier_method_1_identified":
        "INFO: the SKI is the SHA-1 of the key (RFC 5280 4.2.1.2 method 1)",
    "cabf.ca_certificate_no_digital_signature_bit":
        "NOTICE: the CA keys sign certificates and CRLs, not OCSP responses",
    "cabf.serverauth.subscriber.subject_key_identifier_extension_present":
        "WARNING: RFC 5280 4.2.1.2 says SHOULD include it, the BRs NOT RECOMMENDED; certkit follows RFC 5280, as cfssl does",
    "cabf.serverauth.dv.common_name_attribute_present":
        "WARNING: a CN (one of the SANs) is what the CSR JSON asked for, as in cfssl's recipes; the CN-less leaves have none",
}


def wildcard(code, message):
    # RFC 5280 has no wildcards; RFC 6125 6.4.3 and BR 7.1.2.7.12 allow "*."
    # as the whole leftmost label, which pkilint's RFC 5280 linter rejects.
    return code == "pkix.invalid_domain_name_syntax" and (message or "").startswith('Invalid domain name syntax: "*.')


def findings(module, args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        module.main(["lint", "-s", "INFO", "-f", "JSON", *args])
    return [
        (r["validator"], f["severity"], f["code"], f["message"])
        for r in json.loads(out.getvalue())["results"]
        for f in r["finding_descriptions"]
    ]


def main(directory):
    os.chdir(directory)
    leaves = sorted(f for f in os.listdir() if f.startswith("leaf-") and f.endswith(".pem"))
    if len(leaves) < 9:
        sys.exit(f"expected 9 leaf certificates in {directory}, found {len(leaves)}: did issue.sh fail?")
    pinned = ["--validity-period-start", RULES_AS_OF]
    checks = [(lint_pkix_cert, [f]) for f in ["root.pem", "inter-cert.pem", *leaves]]
    checks += [(cabf, [*pinned, "-t", "ROOT-CA", "root.pem"])]
    checks += [(cabf, [*pinned, "-t", "INTERNAL-UNCONSTRAINED-TLS-CA", f]) for f in ["inter-cert.pem", "dir-inter.pem"]]
    checks += [(lint_pkix_cert, ["dir-inter.pem"]), (chain, ["dir-root.pem", "dir-inter.pem"])]
    # Name-constrained intermediates: the profile's and ca init
    # --intermediate's flags. Linted by the BRs as unconstrained TLS CAs:
    # a BR "technically constrained" CA also needs a directoryName subtree,
    # which certkit does not write.
    checks += [(lint_pkix_cert, [f]) for f in ["inter-nc.pem", "dir-nc.pem"]]
    checks += [(cabf, [*pinned, "-t", "INTERNAL-UNCONSTRAINED-TLS-CA", "inter-nc.pem"])]
    checks += [(chain, ["root.pem", "inter-nc.pem"]), (chain, ["dir-root.pem", "dir-nc.pem"])]
    checks += [(cabf, [*pinned, "-t", "DV-FINAL-CERTIFICATE", f]) for f in leaves]
    checks += [(chain, ["root.pem", "root.pem"]), (chain, ["root.pem", "inter-cert.pem"])]
    checks += [(chain, ["inter-cert.pem", f]) for f in leaves]
    checks += [(lint_crl, ["-t", "CRL", "-p", p, f]) for p in ["PKIX", "BR"] for f in ["crl.crl", "crl-cfssl-form.crl"]]

    started, unexpected, allowed = time.time(), 0, 0
    for module, args in checks:
        for validator, severity, code, message in findings(module, args):
            if code in ALLOWED or wildcard(code, message):
                allowed += 1
                continue
            unexpected += 1
            name = module.__name__.rsplit(".", 1)[-1]
            print(f"FAIL {name} {' '.join(args)}: {severity} {code} {message or ''} ({validator})")
    print(f"pkilint: {len(checks)} lint runs in {time.time() - started:.1f} s; "
          f"{allowed} allowed findings; {unexpected} unexpected")
    return 1 if unexpected else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
