import Glibc

// The CSV reader and the export-row decoder, fed whatever libFuzzer makes up.
// Built only by scripts/fuzz-import.sh, never by `swift build`. The bytes go
// through a pipe because the reader reads a file descriptor, as import does.
// Each input's first byte chooses how the text is taken (neutralised, raw or
// unknown) and the rest is the file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImport(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let forms: [ExportRowDecoder.TextForm] = [.neutralised, .raw, .unknown]
    let form = forms[Int(data[0]) % forms.count]
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { fatalError("pipe failed") }
    defer { close(ends[0]) }
    var offset = 1
    while offset < size {
        let written = write(ends[1], data + offset, size - offset)
        guard written > 0 else { fatalError("write to pipe failed: input larger than the pipe?") }
        offset += written
    }
    close(ends[1])

    var reader = CSVReader(descriptor: ends[0], name: "fuzz.csv", chunkSize: 64)
    var record = CSVRecord()
    do {
        guard try reader.next(into: &record) else { return 0 }
        let columns = try ExportRowDecoder.checkHeader(record)
        var decoder = ExportRowDecoder(form: form, columnCount: columns)
        while try reader.next(into: &record) {
            let values = try decoder.decode(record)
            precondition(values.values.count == ExportColumn.allCases.count)
        }
    } catch {
        _ = String(describing: error)
    }
    return 0
}
