import KernelCases
import Kernels
import Testing

/// The case catalog itself: names follow the scheme, are unique, and every kernel has cases in both sets.
@Suite struct CatalogTests {
    @Test func namesAreUniqueAcrossBothSets() {
        let names = KernelCatalog.all.map(\.name)
        let duplicates = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(duplicates.isEmpty, "duplicate case names: \(duplicates)")
    }

    @Test func namesStartWithTheirKernelAndUseOnlyLowercaseDigitsAndUnderscores() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        for kernelCase in KernelCatalog.all {
            #expect(kernelCase.name.hasPrefix(kernelCase.kernel.rawValue + "_"), "\(kernelCase.name)")
            #expect(kernelCase.name.allSatisfy(allowed.contains), "\(kernelCase.name)")
        }
    }

    @Test(arguments: [("small", KernelCatalog.small), ("realistic", KernelCatalog.realistic)])
    func everyKernelHasCases(_ set: String, _ cases: [any KernelCase]) {
        let covered = Set(cases.map(\.kernel))
        let missing = KernelName.allCases.filter { !covered.contains($0) }
        #expect(missing.isEmpty, "the \(set) set has no case for \(missing.map(\.rawValue))")
    }

    @Test func smallSetCoversEveryWeightTypeForMatvecMatmulAndEmbed() {
        for dtype in DType.allCases {
            for kernel in ["matvec", "matmul", "embed"] {
                #expect(KernelCatalog.small.contains { $0.name.hasPrefix("\(kernel)_\(dtype)_") }, "\(kernel) \(dtype)")
            }
        }
    }

    @Test func idCasesAreExactAndOthersHaveAPositiveCeiling() {
        for kernelCase in KernelCatalog.all {
            // row_health only compares and counts, so its floats are exact too.
            let exact = [KernelName.argmax, .topk, .kvStore, .kvCopy, .rowHealth].contains(kernelCase.kernel)
            #expect((kernelCase.tolerance == .exact) == exact, "\(kernelCase.name): \(kernelCase.tolerance)")
        }
    }

    @Test func benchmarkFiguresArePositive() {
        for kernelCase in KernelCatalog.all {
            #expect(kernelCase.bytes > 0, "\(kernelCase.name)")
            #expect(kernelCase.flops >= 0, "\(kernelCase.name)")
        }
    }

    @Test func exampleNamesFromTheIssueExist() {
        for name in ["matvec_q4_1_576x1536", "matmul_f32_5x96x33", "rmsnorm_576", "residual_steer_spherical_576x7",
                     "residual_steer_units_576x1", "residual_steer_delta_units_576x1", "heads_edit_units_576x1"] {
            #expect(KernelCatalog.named(name) != nil, "\(name)")
        }
    }
}

@Suite struct SplitMix64Tests {
    /// The published SplitMix64 sequence for seed 0 (Vigna's reference implementation).
    @Test func matchesTheReferenceSequence() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xe220_a839_7b1d_cdaf)
        #expect(random.next() == 0x6e78_9e6a_a1b9_65f4)
        #expect(random.next() == 0x06c4_5d18_8009_454f)
    }

    @Test func sameNameSameInputsDifferentNameDifferentInputs() {
        var a = SplitMix64(seed: "rmsnorm_576"), b = SplitMix64(seed: "rmsnorm_576"), c = SplitMix64(seed: "rmsnorm_577")
        let first = a.floats(16)
        #expect(first == b.floats(16))
        #expect(first != c.floats(16))
    }

    @Test func floatsStayInTheirRangeAndIndicesBelowTheirBound() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            let value = random.uniform(-2, 3)
            #expect(value >= -2 && value < 3)
            #expect((0..<7).contains(random.index(7)))
        }
        let picked = random.distinctIndices(50, below: 50)
        #expect(Set(picked).count == 50)
    }
}
