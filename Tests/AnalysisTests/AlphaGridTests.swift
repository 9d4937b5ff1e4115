import Analysis
import Testing

@Suite("AlphaGrid: --alphas A:B:N or a list, 0 always in")
struct AlphaGridTests {
    @Test func linspaceGetsZeroAddedSortedAndUnique() throws {
        #expect(try AlphaGrid(parsing: "-4:4:5").values == [-4, -2, 0, 2, 4])
        #expect(try AlphaGrid(parsing: "1:3:3").values == [0, 1, 2, 3])
        #expect(try AlphaGrid(parsing: "-1:2:4").values == [-1, 0, 1, 2])
        // A descending range is the same set.
        #expect(try AlphaGrid(parsing: "4:-4:5").values == [-4, -2, 0, 2, 4])
        #expect(try AlphaGrid(parsing: "2:2:1").values == [0, 2])
        #expect(try AlphaGrid(parsing: "0:10:6").values == [0, 2, 4, 6, 8, 10])
    }

    @Test func linspaceEndsExactlyOnItsEnd() {
        let values = AlphaGrid.linspace(-200, 200, 1024)
        #expect(values.count == 1024 && values.first == -200 && values.last == 200)
        #expect(AlphaGrid.linspace(0.1, 0.7, 7).last == 0.7)
    }

    @Test func commaListsAreSortedWithZeroAndOneZero() throws {
        #expect(try AlphaGrid(parsing: "4, -2,4,1.5").values == [-2, 0, 1.5, 4])
        #expect(try AlphaGrid(parsing: "-0,3").values == [0, 3])
        #expect(try AlphaGrid(parsing: "-0,3").values[0].sign == .plus)
        #expect(try AlphaGrid(parsing: "7").values == [0, 7])
        #expect(try AlphaGrid(parsing: "0").zeroIndex == 0)
        #expect(try AlphaGrid(parsing: "-3,-1,2").zeroIndex == 2)
    }

    @Test(arguments: [
        ("", "the value is empty"),
        ("1:2", "expected three parts A:B:N, got 2"),
        ("1:2:3:4", "expected three parts A:B:N, got 4"),
        ("a:2:3", "the start 'a' is not a finite number"),
        ("1:inf:3", "the end 'inf' is not a finite number"),
        ("1:2:0", "the count '0' is not a whole number in 1...100000"),
        ("1:2:2.5", "the count '2.5' is not a whole number in 1...100000"),
        ("1:2:1000000", "the count '1000000' is not a whole number in 1...100000"),
        ("1,,2", "'' is not a finite number"),
        ("1,nan", "'nan' is not a finite number"),
    ])
    func badGridsNameTheOptionTheValueAndTheProblem(text: String, problem: String) {
        #expect {
            try AlphaGrid(parsing: text, option: "--multipliers")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("--multipliers \(text): \(problem);") && message.contains("A:B:N")
        }
    }

    @Test func nonFiniteValuesAreRefused() {
        #expect(throws: AlphaGrid.ParseError.self) { try AlphaGrid(values: [1, .nan]) }
    }
}
