import Foundation
import NIOSSL

/// The http workload's TLS: which certificate authorities it trusts, and its
/// handshake failures as one line a person can act on.
///
/// NIOSSL reads the system's CA bundle from fixed paths and ignores
/// `SSL_CERT_FILE` and `SSL_CERT_DIR`, which curl, Python and OpenSSL
/// honour; a private CA handed to them that way is honoured here too.
enum HTTPTLS {
    /// The client's TLS configuration for `trust`; `environment` supplies
    /// `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (a directory of
    /// hashed certificates, as `c_rehash` makes), trusted instead of the
    /// system's when no `--cacert` is given.
    static func configuration(for trust: HTTPTrust, environment: [String: String]) throws(PoolBenchError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch trust {
        case .insecure:
            configuration.certificateVerification = .none
        case let .certificateFile(path):
            configuration.trustRoots = .certificates(try certificates(in: path, from: "--cacert"))
        case .system:
            let file = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            let directory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            let bundle = try file.map { path throws(PoolBenchError) in try certificates(in: path, from: "SSL_CERT_FILE") }
            if let directory {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw .invalidParameter(name: "SSL_CERT_DIR", value: directory, expected: "a directory of CA certificates")
                }
                // The directory as trust roots, looked up by hash as OpenSSL
                // does; NIOSSL reads an additional root only as a PEM file.
                configuration.trustRoots = .file(directory)
                configuration.additionalTrustRoots = bundle.map { [.certificates($0)] } ?? []
            } else if let bundle {
                configuration.trustRoots = .certificates(bundle)
            }
        }
        return configuration
    }

    /// The certificates of a PEM file, read now so a wrong path is one
    /// message before the sweep rather than one failed handshake per task.
    static func certificates(in path: String, from source: String) throws(PoolBenchError) -> [NIOSSLCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidParameter(name: source, value: path, expected: "a readable PEM file of CA certificates")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(data)), !certificates.isEmpty else {
            throw .invalidParameter(name: source, value: path, expected: "a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// A TLS failure as a short lower-case reason, or nil when `error` is
    /// not one. BoringSSL's own text names the source file and line of the
    /// machine poolbench was built on; only its reason code is kept.
    static func reason(_ error: any Error) -> String? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's certificate is for another host name: use the name it was issued for, or pass --insecure"
        }
        guard let error = error as? NIOSSLError else { return nil }
        switch error {
        case let .handshakeFailed(underlying):
            let code = reasonCode(String(describing: underlying))
            switch code {
            case "CERTIFICATE_VERIFY_FAILED":
                return "the server's certificate is not trusted: pass --cacert FILE with the CA that signed it, or --insecure"
            case "WRONG_VERSION_NUMBER":
                return "TLS handshake failed: the server does not speak TLS (try http://)"
            case nil:
                return "TLS handshake failed"
            case let code?:
                return "TLS handshake failed: " + code.lowercased().replacingOccurrences(of: "_", with: " ")
            }
        case .uncleanShutdown:
            return "the server closed the TLS connection without a TLS close"
        default:
            return "TLS error: " + String(describing: error).prefix { $0 != "(" }
        }
    }

    /// `CERTIFICATE_VERIFY_FAILED` from
    /// `…:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /…/handshake.cc:320`.
    static func reasonCode(_ text: String) -> String? {
        guard let marker = text.range(of: "OPENSSL_internal:") else { return nil }
        let code = text[marker.upperBound...].prefix { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
        return code.isEmpty ? nil : String(code)
    }
}
