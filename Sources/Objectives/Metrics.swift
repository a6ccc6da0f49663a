import TensorCore

/// Untraced metrics that objectives report beside their loss terms.
public enum Metrics {
    /// Top-1 accuracy of `logits` `[N, K]` against `labels` `[N]`: the fraction of rows whose
    /// argmax equals the label (0 for an empty batch).
    public static func accuracy(_ logits: Tensor, _ labels: IntTensor) -> Float {
        agreement(logits.argmax(alongAxis: 1).scalars, labels.scalars)
    }

    /// The fraction of rows where the argmaxes of `a` and `b` `[N, K]` agree (teacher–student agreement).
    public static func agreement(_ a: Tensor, _ b: Tensor) -> Float {
        agreement(a.argmax(alongAxis: 1).scalars, b.argmax(alongAxis: 1).scalars)
    }

    private static func agreement(_ a: [Int32], _ b: [Int32]) -> Float {
        Float(zip(a, b).filter { $0 == $1 }.count) / Float(max(a.count, 1))
    }
}
