import Foundation
import Testing

@testable import PoolBenchKit

@Suite struct HyperfineScanTests {
    @Test func theTemplatePutsTheWorkerCountBackWhereEveryResultHasIt() {
        let template = HyperfineScan.template(of: [
            ("python3 job.py --workers 4 --items 64 http://h:4/", "4"),
            ("python3 job.py --workers 8 --items 64 http://h:4/", "8"),
        ])
        #expect(template == "python3 job.py --workers {workers} --items 64 http://h:4/")
    }

    @Test func withOneResultAWholeNumberIsPreferredToDigitsInsideAnother() {
        #expect(HyperfineScan.template(of: [("job --items 64 --workers 4", "4")]) == "job --items 64 --workers {workers}")
        #expect(HyperfineScan.template(of: [("job 4 4", "4")]) == "job {workers} {workers}")
    }

    @Test func commandsThatDifferElsewhereHaveNoTemplate() {
        #expect(HyperfineScan.template(of: [("job 1", "1"), ("other 2", "2")]) == nil)
    }

    @Test func aParameterTheCommandDoesNotUseLeavesItAsItIs() {
        #expect(HyperfineScan.template(of: [("job", "1"), ("job", "2")]) == "job")
    }
}

/// The digest behind imported UUIDs, against FIPS 180-4's examples.
@Suite struct SHA256Tests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func digestsMatchThePublishedVectors() {
        #expect(hex(SHA256.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test func derivedUUIDsAreStableVersion8AndTellTheirPartsApart() {
        let a = UUID.derived(namespace: "n", [Array("ab".utf8), Array("c".utf8)])
        #expect(a == UUID.derived(namespace: "n", [Array("ab".utf8), Array("c".utf8)]))
        #expect(a != UUID.derived(namespace: "n", [Array("a".utf8), Array("bc".utf8)]))
        #expect(a != UUID.derived(namespace: "m", [Array("ab".utf8), Array("c".utf8)]))
        #expect(a.uuidString.lowercased().dropFirst(14).first == "8")
    }
}
