import Foundation

/// A number with its gradient against the 21 FSRS-6 weights (forward-mode automatic differentiation):
/// `v` is the value, `g` the partial derivatives (lanes 0–20 used, 21–23 always zero). The optimizer runs
/// the memory model on these, so the gradient of the log loss is exact without a derivation by hand.
/// The arithmetic the FSRS-6 memory model needs, so one generic model runs on `Double` (evaluation) and on
/// `Dual` (training).
protocol ModelNumber {
    init(_ v: Double)
    var value: Double { get }
    static func + (x: Self, y: Self) -> Self
    static func - (x: Self, y: Self) -> Self
    static func * (x: Self, y: Self) -> Self
    static func / (x: Self, y: Self) -> Self
    static func + (x: Self, c: Double) -> Self
    static func - (x: Self, c: Double) -> Self
    static func - (c: Double, x: Self) -> Self
    static func * (x: Self, c: Double) -> Self
    static func expm(_ x: Self) -> Self
    static func logm(_ x: Self) -> Self
    static func powm(_ x: Self, _ y: Self) -> Self
    static func powm(_ x: Self, _ c: Double) -> Self
}

extension Double: ModelNumber {
    var value: Double { self }
    static func expm(_ x: Double) -> Double { Foundation.exp(x) }
    static func logm(_ x: Double) -> Double { Foundation.log(x) }
    static func powm(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}

extension ModelNumber {
    /// A clamp whose gradient is zero where it binds, as the reference's clamping is.
    @inline(__always) func clamped(_ lo: Double, _ hi: Double) -> Self {
        value < lo ? Self(lo) : value > hi ? Self(hi) : self
    }
}

struct Dual: ModelNumber {
    var v: Double
    var a: SIMD16<Double>
    var b: SIMD8<Double>

    init(_ v: Double) { self.v = v; a = .zero; b = .zero }
    init(v: Double, a: SIMD16<Double>, b: SIMD8<Double>) { self.v = v; self.a = a; self.b = b }
    /// The weight `k` itself: value `v`, derivative 1 in lane `k` (or a constant when it is not being fitted).
    static func variable(_ v: Double, lane k: Int, free: Bool) -> Dual {
        var d = Dual(v)
        if free { if k < 16 { d.a[k] = 1 } else { d.b[k - 16] = 1 } }
        return d
    }

    var value: Double { v }
    @inline(__always) func scaled(_ value: Double, by f: Double) -> Dual { Dual(v: value, a: a * f, b: b * f) }

    @inline(__always) static func + (x: Dual, y: Dual) -> Dual { Dual(v: x.v + y.v, a: x.a + y.a, b: x.b + y.b) }
    @inline(__always) static func - (x: Dual, y: Dual) -> Dual { Dual(v: x.v - y.v, a: x.a - y.a, b: x.b - y.b) }
    @inline(__always) static func + (x: Dual, c: Double) -> Dual { Dual(v: x.v + c, a: x.a, b: x.b) }
    @inline(__always) static func - (x: Dual, c: Double) -> Dual { Dual(v: x.v - c, a: x.a, b: x.b) }
    @inline(__always) static func - (c: Double, x: Dual) -> Dual { Dual(v: c - x.v, a: -x.a, b: -x.b) }
    @inline(__always) static func * (x: Dual, c: Double) -> Dual { Dual(v: x.v * c, a: x.a * c, b: x.b * c) }
    @inline(__always) static func * (x: Dual, y: Dual) -> Dual {
        Dual(v: x.v * y.v, a: x.a * y.v + y.a * x.v, b: x.b * y.v + y.b * x.v)
    }
    @inline(__always) static func / (x: Dual, y: Dual) -> Dual {
        let q = x.v / y.v
        return Dual(v: q, a: (x.a - y.a * q) / y.v, b: (x.b - y.b * q) / y.v)
    }

    @inline(__always) static func expm(_ x: Dual) -> Dual { let e = Foundation.exp(x.v); return x.scaled(e, by: e) }
    @inline(__always) static func logm(_ x: Dual) -> Dual { x.scaled(Foundation.log(x.v), by: 1 / x.v) }
    /// x^y with both varying (x > 0).
    @inline(__always) static func powm(_ x: Dual, _ y: Dual) -> Dual { expm(y * logm(x)) }
    /// x^c for a constant exponent.
    @inline(__always) static func powm(_ x: Dual, _ c: Double) -> Dual {
        let p = Foundation.pow(x.v, c)
        return x.scaled(p, by: c * p / x.v)
    }
}
