import XCTest
@testable import Quality

/// Worked examples of every metric function, normalisation included (the same ones docs/quality.md shows).
final class MetricTests: XCTestCase {
    func testNormalisationLowersCaseDropsPunctuationCollapsesWhitespace() {
        XCTAssertEqual(TextNormalization.normalize("  The  Cat's  HAT! "), "the cat s hat")
        XCTAssertEqual(TextNormalization.normalize("Positive."), "positive")
        XCTAssertEqual(TextNormalization.normalize("ÉLAN\tvital\n"), "élan vital")
        XCTAssertEqual(TextNormalization.normalize("$5 + 3 = 8?"), "5 3 8")
        XCTAssertEqual(TextNormalization.normalize("positive/negative"), "positive negative")
        XCTAssertEqual(TextNormalization.normalize(" ... "), "")
        XCTAssertEqual(TextNormalization.tokens("A b, C"), ["a", "b", "c"])
    }

    func testExactMatchAndAccuracyCompareNormalisedTexts() {
        for m in [QualityMetric.exactMatch, .accuracy] {
            XCTAssertEqual(m.score(prediction: " Positive.\n", reference: "positive"), 1)
            XCTAssertEqual(m.score(prediction: "POSITIVE!!", reference: "Positive"), 1)
            XCTAssertEqual(m.score(prediction: "positive review", reference: "positive"), 0)
            XCTAssertEqual(m.score(prediction: "", reference: "positive"), 0)
        }
    }

    func testFirstLabelTakesTheEarliestWholeWordLabel() {
        let labels = ["positive", "negative", "neutral"]
        XCTAssertEqual(FirstLabel.find(in: "I think it's Negative, not positive.", labels: labels), "negative")
        XCTAssertEqual(FirstLabel.find(in: "nonnegative and unpositive", labels: labels), nil)
        XCTAssertEqual(FirstLabel.find(in: "Label: neutral", labels: labels), "neutral")
        XCTAssertEqual(FirstLabel.find(in: "Very positive!", labels: ["positive", "very positive"]), "very positive")
        XCTAssertEqual(FirstLabel.score(prediction: "Answer: NEGATIVE", reference: "negative", labels: labels), 1)
        XCTAssertEqual(FirstLabel.score(prediction: "positive then negative", reference: "negative", labels: labels), 0)
        XCTAssertEqual(FirstLabel.score(prediction: "no idea", reference: "negative", labels: labels), 0)
        XCTAssertEqual(QualityMetric.firstLabel.score(prediction: "billing issue", reference: "Billing", labels: ["Billing", "Shipping"]), 1)
    }

    func testTokenF1CountsMultisetOverlap() {
        // 6 and 6 words, overlap the, the, cat, on, mat = 5: P = R = 5/6.
        XCTAssertEqual(TokenF1.score(prediction: "The cat sat on the mat.", reference: "the cat is on the mat"), 5.0 / 6.0, accuracy: 1e-12)
        // "the" appears once in the prediction: it matches once. P = 2/2, R = 2/4, F1 = 2/3.
        XCTAssertEqual(TokenF1.score(prediction: "the cat", reference: "the the cat dog"), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(TokenF1.score(prediction: "dog", reference: "cat"), 0)
        XCTAssertEqual(TokenF1.score(prediction: "!!", reference: "?"), 1)
        XCTAssertEqual(TokenF1.score(prediction: "", reference: "cat"), 0)
    }

    func testRougeLUsesTheLongestCommonSubsequence() {
        // LCS "the cat on the mat" = 5 of 6 and 6.
        XCTAssertEqual(RougeL.score(prediction: "the cat sat on the mat", reference: "The cat is on the mat."), 5.0 / 6.0, accuracy: 1e-12)
        // LCS is "police killed" or "the gunman": 2 of 4 and 4.
        XCTAssertEqual(RougeL.score(prediction: "police killed the gunman", reference: "the gunman police killed"), 0.5, accuracy: 1e-12)
        // Order matters for ROUGE-L but not for token F1.
        XCTAssertEqual(RougeL.score(prediction: "c b a", reference: "a b c"), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(TokenF1.score(prediction: "c b a", reference: "a b c"), 1)
        XCTAssertEqual(RougeL.score(prediction: "x", reference: "y"), 0)
    }

    func testNumericClosenessReadsTheFirstNumberAndScalesTheError() {
        XCTAssertEqual(NumericCloseness.firstNumber(in: "about -1,234.5e2 units"), -123450)
        XCTAssertEqual(NumericCloseness.firstNumber(in: "score: .5"), 0.5)
        XCTAssertEqual(NumericCloseness.firstNumber(in: "3 apples, 4 pears"), 3)
        XCTAssertEqual(NumericCloseness.firstNumber(in: "e2 is not a number; 7e is 7"), 2)
        XCTAssertNil(NumericCloseness.firstNumber(in: "no digits here"))
        XCTAssertEqual(NumericCloseness.score(prediction: "The answer is 42.", reference: "42"), 1)
        XCTAssertEqual(NumericCloseness.score(prediction: "40", reference: "42"), 1 - 2.0 / 42.0, accuracy: 1e-12)
        XCTAssertEqual(NumericCloseness.score(prediction: "0.5", reference: "0"), 0.5, accuracy: 1e-12)  // scale max(|0|, 1) = 1
        XCTAssertEqual(NumericCloseness.score(prediction: "5", reference: "0"), 0)
        XCTAssertEqual(NumericCloseness.score(prediction: "3.5", reference: "4.0", scale: 5), 0.9, accuracy: 1e-12)
        XCTAssertEqual(NumericCloseness.score(prediction: "n/a", reference: "4"), 0)
    }

    func testMetricNamesAcceptAliasesAndSuggestTheNearest() throws {
        XCTAssertEqual(try QualityMetric.parse("Accuracy").get(), .accuracy)
        XCTAssertEqual(try QualityMetric.parse("rouge").get(), .rougeL)
        XCTAssertEqual(try QualityMetric.parse("f1").get(), .tokenF1)
        guard case .failure(let e) = QualityMetric.parse("acuracy") else { return XCTFail("accepted a misspelt name") }
        XCTAssertEqual(e.message, "unknown metric_name \"acuracy\"; known: exact_match, accuracy, first_label, token_f1, rouge_l, numeric_closeness (did you mean \"accuracy\"?)")
    }

    func testCanaryPrefixRule() {
        XCTAssertEqual(CanaryComparison.commonPrefix("billing", "billing dept"), 7)
        XCTAssertEqual(CanaryComparison.commonPrefix("abc", "xbc"), 0)
        XCTAssertTrue(CanaryComparison.matches(baseline: "abc", answer: "abc", requiredPrefix: nil))
        XCTAssertFalse(CanaryComparison.matches(baseline: "abc", answer: "abcd", requiredPrefix: nil))
        XCTAssertTrue(CanaryComparison.matches(baseline: "the cat sat", answer: "the cat ran", requiredPrefix: 8))
        XCTAssertFalse(CanaryComparison.matches(baseline: "the cat sat", answer: "the dog sat", requiredPrefix: 8))
        // A required prefix longer than the baseline asks for all of the baseline.
        XCTAssertTrue(CanaryComparison.matches(baseline: "ok", answer: "ok then", requiredPrefix: 50))
    }
}
