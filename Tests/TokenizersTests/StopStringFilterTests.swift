import Testing
import Tokenizers

@Suite("Stop strings") struct StopStringFilterTests {
    /// Feeds pieces one by one; returns what was emitted (concatenated) and whether it stopped.
    func run(_ stops: [String], _ pieces: [String]) -> (text: String, stopped: Bool, emittedPerPiece: [String]) {
        var filter = StopStringFilter(stops)
        var perPiece: [String] = []
        for piece in pieces { perPiece.append(filter.feed(piece)) }
        let tail = filter.finish()
        return (perPiece.joined() + tail, filter.stopped, perPiece)
    }

    @Test func stopsInsideOnePiece() {
        let r = run(["\n\n"], ["Hello.\n\nMore"])
        #expect(r.text == "Hello.")
        #expect(r.stopped)
    }

    @Test func stopSpanningPiecesIsHeldBackThenDropped() {
        let r = run(["User:"], ["Fine. Us", "er", ": next"])
        #expect(r.text == "Fine. ")
        #expect(r.emittedPerPiece == ["Fine. ", "", ""])
        #expect(r.stopped)
    }

    @Test func heldBackTextIsReleasedWhenItDiverges() {
        let r = run(["User:"], ["a Us", "ed car"])
        #expect(r.emittedPerPiece == ["a ", "Used car"])
        #expect(r.text == "a Used car")
        #expect(!r.stopped)
    }

    @Test func tailIsFlushedAtTheEnd() {
        let r = run(["###"], ["x #", "#"])
        #expect(r.emittedPerPiece == ["x ", ""])
        #expect(r.text == "x ##")
        #expect(!r.stopped)
    }

    @Test func earliestOfSeveralStopsWins() {
        var filter = StopStringFilter(["world", "lo"])
        #expect(filter.feed("hello world") == "hel")
        #expect(filter.matched == "lo")
        #expect(filter.feed("more") == "")
    }

    @Test func emptyStopStringsAreIgnoredAndNonASCIIMatches() {
        #expect(run([""], ["abc"]).text == "abc")
        let r = run(["é!"], ["café", "! yes"])
        #expect(r.text == "caf")
        #expect(r.stopped)
    }
}
