import Testing
@testable import Steering

/// Reducers, pass planning and the CLI spellings, without a model.
@Suite("Capture: reductions and pass plans") struct CaptureReductionTests {
    /// [tokens, width] rows 0.5·t + 0.01·i, fed in blocks like a chunked prefill.
    static func reduce(_ reduction: TokenReduction, tokens: Int = 7, width: Int = 3, blocks: [Range<Int>]) throws -> [Float] {
        var reducer = try TokenReducer(reduction: reduction, tokens: tokens, width: width, text: 0)
        for block in blocks {
            let needed = reducer.needed(of: block)
            let rows = needed.flatMap { t in (0..<width).map { Float(t) * 0.5 + Float($0) * 0.01 } }
            rows.withUnsafeBufferPointer { reducer.add($0, of: block) }
        }
        return reducer.finish()
    }

    static let blocks = [0..<3, 3..<5, 5..<7]

    @Test func meanIsTheAverageOfTheNoneRows() throws {
        let all = try Self.reduce(.none, blocks: Self.blocks)
        #expect(all.count == 7 * 3)
        let mean = try Self.reduce(.mean, blocks: Self.blocks)
        for i in 0..<3 {
            let average = stride(from: i, to: all.count, by: 3).map { Double(all[$0]) }.reduce(0, +) / 7
            #expect(abs(Double(mean[i]) - average) < 1e-6, "column \(i): \(mean[i]) vs \(average)")
        }
    }

    @Test func indexMinusOneIsLastAndIndexKPicksRowK() throws {
        let all = try Self.reduce(.none, blocks: Self.blocks)
        #expect(try Self.reduce(.index(-1), blocks: Self.blocks) == Self.reduce(.last, blocks: Self.blocks))
        #expect(try Self.reduce(.last, blocks: Self.blocks) == Array(all[18..<21]))
        #expect(try Self.reduce(.index(4), blocks: Self.blocks) == Array(all[12..<15]))
        #expect(try Self.reduce(.index(-7), blocks: Self.blocks) == Array(all[0..<3]))
    }

    @Test func blockBoundariesDoNotChangeTheResult() throws {
        for reduction in [TokenReduction.none, .mean, .last, .index(2)] {
            #expect(try Self.reduce(reduction, blocks: [0..<7]) == Self.reduce(reduction, blocks: [0..<1, 1..<6, 6..<7]))
        }
    }

    @Test func indexOutsideTheTextNamesTheText() {
        #expect(throws: CaptureError.indexOutsideText(text: 4, index: 7, tokens: 7)) {
            try TokenReducer(reduction: .index(7), tokens: 7, width: 3, text: 4)
        }
        #expect(throws: CaptureError.indexOutsideText(text: 0, index: -8, tokens: 7)) {
            try TokenReducer(reduction: .index(-8), tokens: 7, width: 3, text: 0)
        }
    }

    @Test func cliSpellingsParse() throws {
        #expect(try TokenReduction(parsing: "last") == .last)
        #expect(try TokenReduction(parsing: "mean") == .mean)
        #expect(try TokenReduction(parsing: "none") == .none)
        #expect(try TokenReduction(parsing: "index:-3") == .index(-3))
        #expect(try TokenReduction(parsing: "index:12").description == "index:12")
        for bad in ["", "first", "index:", "index:x", "index:1.5", "Last"] {
            #expect(throws: CaptureError.badReduction(bad)) { try TokenReduction(parsing: bad) }
        }
    }

    @Test func layerListsParse() throws {
        #expect(try LayerList.parse("3-7") == [3, 4, 5, 6, 7])
        #expect(try LayerList.parse("3,7,9") == [3, 7, 9])
        #expect(try LayerList.parse("0-2,9") == [0, 1, 2, 9])
        #expect(try LayerList.parse("5") == [5])
        for bad in ["", "7-3", "-1", "a", "1,,2", "1-2-3", "3-"] {
            #expect(throws: LayerListError.self, "\(bad)") { try LayerList.parse(bad) }
        }
    }

    @Test func requestsAreCheckedAgainstTheModel() {
        #expect(throws: CaptureError.layerOutOfRange(layer: 30, blocks: 30)) {
            try CaptureRequest(site: .residPost, layers: [0, 30], reduction: .last).validate(blocks: 30)
        }
        #expect(throws: CaptureError.siteNotPerBlock(.resultNorm)) {
            try CaptureRequest(site: .resultNorm, layers: [0], reduction: .last).validate(blocks: 30)
        }
        #expect(throws: CaptureError.noLayers) { try CaptureRequest(site: .mlpOut, layers: [], reduction: .last).validate(blocks: 30) }
        #expect(CaptureRequest(site: .mlpOut, layers: [3, 1, 3], reduction: .last).layers == [3, 1])
    }

    @Test func shortTextsArePackedWhileRowsAndSlotsLast() {
        let plan = CapturePlan(tokenCounts: [4, 4, 4, 9, 2], maxRows: 12, slots: 2)
        typealias S = CapturePlan.Segment
        #expect(plan.passes.map(\.segments) == [
            [S(text: 0, tokens: 0..<4, slot: 0, firstRow: 0), S(text: 1, tokens: 0..<4, slot: 1, firstRow: 4)],
            [S(text: 2, tokens: 0..<4, slot: 0, firstRow: 0)],
            [S(text: 3, tokens: 0..<9, slot: 0, firstRow: 0), S(text: 4, tokens: 0..<2, slot: 1, firstRow: 9)],
        ])
        #expect(plan.passes.map(\.completedTexts) == [[0, 1], [2], [3, 4]])
    }

    @Test func longTextsRunAloneInBlocksWithIncreasingStarts() {
        let plan = CapturePlan(tokenCounts: [3, 25, 1], maxRows: 10, slots: 4)
        typealias S = CapturePlan.Segment
        #expect(plan.passes.map(\.segments) == [
            [S(text: 0, tokens: 0..<3, slot: 0, firstRow: 0)],
            [S(text: 1, tokens: 0..<10, slot: 0, firstRow: 0)],
            [S(text: 1, tokens: 10..<20, slot: 0, firstRow: 0)],
            [S(text: 1, tokens: 20..<25, slot: 0, firstRow: 0)],
            [S(text: 2, tokens: 0..<1, slot: 0, firstRow: 0)],
        ])
        #expect(plan.passes.map(\.completedTexts) == [[0], [], [], [1], [2]])
    }
}
