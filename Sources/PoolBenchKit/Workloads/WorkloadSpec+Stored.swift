import Foundation

extension WorkloadSpec {
    /// The spec as the history keeps it (`run.workloadSpec`): the JSON of
    /// `redacted`, keys sorted so the same workload is the same text; nil
    /// for one JSON cannot hold (a non-finite number).
    public var storedJSON: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(redacted)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The spec a history kept; nil for text that is not one this version
    /// reads.
    public init?(storedJSON text: String) {
        guard let spec = try? JSONDecoder().decode(WorkloadSpec.self, from: Data(text.utf8)) else { return nil }
        self = spec
    }

    /// The spec without credentials, as `parameters` shows it: a URL's
    /// password and a credential header's value as `***`, command and job
    /// arguments through `Redaction.arguments`, and a request body as `***`
    /// (it may hold one; only that there was a body is kept).
    var redacted: WorkloadSpec {
        switch self {
        case .sleep, .cpu, .file: self
        case let .python(function): .python(function.withoutItemLines)
        case let .http(request): .http(request.redacted)
        case let .command(arguments): .command(arguments: Redaction.arguments(arguments))
        case let .job(arguments, items): .job(arguments: Redaction.arguments(arguments), items: items)
        }
    }

    /// Whether a command built from the stored spec measures the same
    /// workload: not when a request body stood there, which is never kept,
    /// nor for items read from standard input, which are gone.
    var isWholeWhenStored: Bool {
        switch self {
        case let .http(request): request.body == nil
        case let .python(function): function.items.source != "-"
        default: true
        }
    }
}

extension HTTPRequestSpec {
    var redacted: HTTPRequestSpec {
        var copy = self
        copy.urls = urls.map(Redaction.text)
        copy.headers = headers.map { header in
            HTTPHeaderLine(
                name: header.name,
                value: Redaction.isCredentialHeader(header.name) ? Redaction.mask : Redaction.text(header.value)
            )
        }
        copy.body = body.map { _ in Data(Redaction.mask.utf8) }
        return copy
    }
}
