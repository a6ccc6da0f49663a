import Kernels
import Support

/// Optimizer and EMA updates on the CPU (`Kernels/OptimizerKernels.swift`), in place on unique buffers.
extension CPUBackend {
    /// `OptimizerKernels.sgd` (a nil buffer: momentum 0; with momentum the caller passes a zero buffer on the first step).
    public func sgd(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor?, learningRate: Float, weightDecay: Float,
        momentum: Float, dampening: Float, nesterov: Bool
    ) {
        let first = momentumBuffer == nil
        if momentum != 0 && first { momentumBuffer = Tensor(zeros: w.shape) }
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                guard let wa = wp.baseAddress, let ga = gp.baseAddress else { return }
                if momentum == 0 {
                    OptimizerKernels.sgd(
                        wa, ga, buffer: nil, count: wp.count, learningRate: learningRate, weightDecay: weightDecay,
                        momentum: 0, dampening: dampening, nesterov: nesterov, firstStep: first)
                    return
                }
                momentumBuffer!.withUnsafeMutableBufferPointer { bp in
                    OptimizerKernels.sgd(
                        wa, ga, buffer: bp.baseAddress, count: wp.count, learningRate: learningRate, weightDecay: weightDecay,
                        momentum: momentum, dampening: dampening, nesterov: nesterov, firstStep: first)
                }
            }
        }
    }

    /// `OptimizerKernels.adamw`.
    public func adamw(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor, decay: Float, stepSize: Float,
        correction2: Float, beta1: Float, beta2: Float, epsilon: Float
    ) {
        withMoments(&w, g, &firstMoment, &secondMoment) { wa, ga, ma, va, count in
            OptimizerKernels.adamw(
                wa, ga, firstMoment: ma, secondMoment: va, count: count, decay: decay, stepSize: stepSize,
                correction2: correction2, beta1: beta1, beta2: beta2, epsilon: epsilon)
        }
    }

    /// `OptimizerKernels.lamb`.
    public func lamb(
        _ w: inout Tensor, gradient g: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor, learningRate: Float,
        weightDecay: Float, adapt: Bool, beta1: Float, beta2: Float, epsilon: Float, correction1: Float, correction2: Float
    ) {
        withMoments(&w, g, &firstMoment, &secondMoment) { wa, ga, ma, va, count in
            OptimizerKernels.lamb(
                wa, ga, firstMoment: ma, secondMoment: va, count: count, learningRate: learningRate,
                weightDecay: weightDecay, adapt: adapt, beta1: beta1, beta2: beta2, epsilon: epsilon,
                correction1: correction1, correction2: correction2)
        }
    }

    /// `OptimizerKernels.lars`.
    public func lars(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor, learningRate: Float, weightDecay: Float,
        momentum: Float, trustCoefficient: Float, adapt: Bool
    ) {
        withBuffer(&w, g, &momentumBuffer) { wa, ga, ba, count in
            OptimizerKernels.lars(
                wa, ga, buffer: ba, count: count, learningRate: learningRate, weightDecay: weightDecay,
                momentum: momentum, trustCoefficient: trustCoefficient, adapt: adapt)
        }
    }

    /// `OptimizerKernels.heavyBall`.
    public func heavyBall(
        _ w: inout Tensor, gradient g: Tensor, momentumBuffer: inout Tensor, learningRate: Float, weightDecay: Float,
        momentum: Float, firstStep: Bool
    ) {
        withBuffer(&w, g, &momentumBuffer) { wa, ga, ba, count in
            OptimizerKernels.heavyBall(
                wa, ga, buffer: ba, count: count, learningRate: learningRate, weightDecay: weightDecay,
                momentum: momentum, firstStep: firstStep)
        }
    }

    /// `OptimizerKernels.movingAverage`.
    public func movingAverage(_ target: inout Tensor, towards source: Tensor, momentum: Float) {
        source.withUnsafeBufferPointer { sp in
            target.withUnsafeMutableBufferPointer { tp in
                guard let ta = tp.baseAddress, let sa = sp.baseAddress else { return }
                OptimizerKernels.movingAverage(ta, sa, count: tp.count, momentum: momentum)
            }
        }
    }

    /// Runs `kernel(w, g, m, v, count)` on the four buffers; an empty parameter runs nothing.
    private func withMoments(
        _ w: inout Tensor, _ g: Tensor, _ m: inout Tensor, _ v: inout Tensor,
        kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in
                        guard let wa = wp.baseAddress, let ga = gp.baseAddress, let ma = mp.baseAddress, let va = vp.baseAddress else { return }
                        kernel(wa, ga, ma, va, wp.count)
                    }
                }
            }
        }
    }

    /// Runs `kernel(w, g, buffer, count)` on the three buffers; an empty parameter runs nothing.
    private func withBuffer(
        _ w: inout Tensor, _ g: Tensor, _ b: inout Tensor,
        kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        g.withUnsafeBufferPointer { gp in
            w.withUnsafeMutableBufferPointer { wp in
                b.withUnsafeMutableBufferPointer { bp in
                    guard let wa = wp.baseAddress, let ga = gp.baseAddress, let ba = bp.baseAddress else { return }
                    kernel(wa, ga, ba, wp.count)
                }
            }
        }
    }
}
