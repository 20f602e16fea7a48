import Foundation

/// RFC 3339 timestamps in UTC, parsed and formatted without Foundation's slow formatters.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t` or a space may separate date and time.
    public static func parse(_ s: String) -> Date? {
        var s = s
        return s.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        if let d = parseUTC(b) { return d }
        return parseGeneral(b)
    }

    /// Any RFC 3339 date-time (`parseUTC` reads the common layout faster, to the same result).
    static func parseGeneral(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        let n = b.count
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for k in at..<(at + count) {
                let c = b[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 32,
              let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61 else { return nil }
        var k = 19
        var fraction = 0.0
        if k < n, b[k] == 46 {
            k += 1
            var scale = 0.1
            let start = k
            while k < n, b[k] >= 48, b[k] <= 57 { fraction += Double(b[k] - 48) * scale; scale /= 10; k += 1 }
            guard k > start else { return nil }
        }
        guard k < n else { return nil }
        var offset = 0
        if b[k] == UInt8(ascii: "Z") || b[k] == UInt8(ascii: "z") {
            k += 1
        } else if b[k] == 43 || b[k] == 45 {
            // RFC 3339: time-numoffset is hours 00–23 and minutes 00–59 (`+99:99` is not a time).
            guard k + 6 <= n, let oh = digits(k + 1, 2), b[k + 3] == 58, let om = digits(k + 4, 2), oh <= 23, om <= 59 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[k] == 43 ? 1 : -1)
            k += 6
        } else { return nil }
        guard k == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: secs)
    }

    /// The layout prepdeck writes, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.fffZ`, without the general
    /// parser's loops: the same checks and the same arithmetic (the fraction summed digit by digit as there),
    /// so the same `Date`; nil for anything else, which the general parser then reads.
    @inline(__always)
    static func parseUTC(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        var days = DayCache()
        return parseUTC(b, days: &days)
    }

    /// The day of the last date read (lines of a log mostly share their day with the line before): its
    /// `YYYY-MM-DD` bytes and its day number, so that a line of the same day skips the date's checks and sums.
    public struct DayCache: Sendable {
        var head: UInt64 = 0, tail: UInt16 = 0, days = 0, valid = false
        public init() {}
    }

    @inline(__always)
    static func parseUTC(_ b: UnsafeBufferPointer<UInt8>, days cache: inout DayCache) -> Date? {
        let n = b.count
        guard n == 20 || n == 24, b[n - 1] == 0x5A, b[4] == 45, b[7] == 45, b[10] == 0x54, b[13] == 58, b[16] == 58,
              n == 20 || b[19] == 46 else { return nil }
        @inline(__always) func d(_ k: Int) -> Int { Int(b[k]) &- 48 }
        /// The two digits at `k` as a number, nil unless both are digits.
        @inline(__always) func two(_ k: Int) -> Int? {
            let x = d(k), y = d(k + 1)
            guard x >= 0, x <= 9, y >= 0, y <= 9 else { return nil }
            return x * 10 + y
        }
        // The day: from the cache when the line before had the same `YYYY-MM-DD`, else read and checked.
        let raw = UnsafeRawPointer(b.baseAddress!)
        let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int
        if cache.valid && cache.head == head && cache.tail == tail {
            days = cache.days
        } else {
            guard let century = two(0), let yy = two(2), let month = two(5), let day = two(8) else { return nil }
            let year = century * 100 + yy
            guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
            days = daysFromCivil(year: year, month: month, day: day)
            cache.head = head; cache.tail = tail; cache.days = days; cache.valid = true
        }
        guard let hour = two(11), let minute = two(14), let second = two(17), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if n == 24 {
            let f0 = d(20), f1 = d(21), f2 = d(22)
            guard f0 >= 0, f0 <= 9, f1 >= 0, f1 <= 9, f2 >= 0, f2 <= 9 else { return nil }
            var scale = 0.1
            fraction += Double(f0) * scale; scale /= 10
            fraction += Double(f1) * scale; scale /= 10
            fraction += Double(f2) * scale
        }
        let secs = Double(days * 86400 + hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: secs)
    }

    /// Formats in UTC: whole seconds as `…:SSZ`, otherwise with milliseconds `…:SS.mmmZ`. Times outside
    /// years 0001–9999 are clamped to them (never a trap, never a 5-digit year).
    public static func format(_ date: Date) -> String {
        withFormatted(date) { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` with the bytes of `format(date)` (20 or 24 ASCII bytes, none needing a JSON escape), made
    /// without a `String`.
    public static func withFormatted<T>(_ date: Date, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let raw = date.timeIntervalSince1970
        let t = raw.isNaN ? 0 : min(max(raw, -62_135_596_800), 253_402_300_799.999)
        var whole = t.rounded(.down)
        var millis = Int(((t - whole) * 1000).rounded())
        if millis == 1000 { whole += 1; millis = 0 }
        let total = Int(whole)
        let days = Int((Double(total) / 86400).rounded(.down))
        let secOfDay = total - days * 86400
        let (y, m, d) = civilFromDays(days)
        // YYYY-MM-DDTHH:MM:SS[.mmm]Z; the clamp above keeps the year within 1…9999.
        var b: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &b) { out in
            func put(_ v: Int, _ width: Int, at: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) { out[k] = UInt8(48 + v % 10); v /= 10 }
            }
            put(y, 4, at: 0); out[4] = 0x2D; put(m, 2, at: 5); out[7] = 0x2D; put(d, 2, at: 8); out[10] = 0x54
            put(secOfDay / 3600, 2, at: 11); out[13] = 0x3A; put(secOfDay % 3600 / 60, 2, at: 14); out[16] = 0x3A
            put(secOfDay % 60, 2, at: 17)
            var n = 19
            if millis != 0 { out[19] = 0x2E; put(millis, 3, at: 20); n = 23 }
            out[n] = 0x5A
            return body(UnsafeRawBufferPointer(rebasing: out[0..<(n + 1)]))
        }
    }

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01).
    public static func formatDay(_ day: Int) -> String {
        let (y, m, d) = civilFromDays(day)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The day number (days since 1970-01-01) of a `YYYY-MM-DD` date, or nil when it is not a real date.
    public static func parseDay(_ s: String) -> Int? {
        guard s.utf8.count == 10, let d = parse(s + "T00:00:00Z") else { return nil }
        return Int((d.timeIntervalSince1970 / 86400).rounded(.down))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// The study day: days roll over at 04:00 local time. `utcOffsetSeconds` is the local offset
/// (injected, so that the model stays free of the system clock and time zone).
public struct StudyCalendar: Sendable, Equatable {
    public var utcOffsetSeconds: Int
    public var rolloverHour: Int
    public init(utcOffsetSeconds: Int = 0, rolloverHour: Int = 4) {
        self.utcOffsetSeconds = utcOffsetSeconds
        self.rolloverHour = rolloverHour
    }

    /// The study day number (days since 1970-01-01 in local time, shifted by the rollover hour).
    public func day(of date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(utcOffsetSeconds) - Double(rolloverHour * 3600)
        return Int((local / 86400).rounded(.down))
    }

    /// The instant at which a study day starts.
    public func start(ofDay day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day * 86400 + rolloverHour * 3600 - utcOffsetSeconds))
    }
}

/// A source of the current time, injected everywhere time matters.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

public struct FixedClock: WallClock {
    public var date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}
