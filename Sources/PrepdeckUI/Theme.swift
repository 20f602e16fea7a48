/// Every style the screens use, by meaning. Two themes: colours on the terminal's own background,
/// and a monochrome one (NO_COLOR, or a terminal without colours) that still shows every state.
public struct Theme: Sendable, Equatable {
    public var text = Style()
    public var muted = Style(attrs: .dim)
    public var title = Style(attrs: .bold)
    public var heading = Style(fg: .cyan, attrs: .bold)
    public var accent = Style(fg: .cyan)
    public var border = Style(fg: .brightBlack)
    public var borderFocused = Style(fg: .cyan)
    public var selected = Style(attrs: .reverse)
    public var selectedUnfocused = Style(attrs: [.underline])
    public var tabActive = Style(fg: .black, bg: .cyan, attrs: .bold)
    public var tabInactive = Style(fg: .default)
    public var hintKey = Style(fg: .cyan, attrs: .bold)
    public var hint = Style(attrs: .dim)
    public var code = Style(fg: .yellow)
    public var codeBlock = Style(fg: .green)
    public var bold = Style(attrs: .bold)
    public var easy = Style(fg: .green, attrs: .bold)
    public var medium = Style(fg: .yellow, attrs: .bold)
    public var hard = Style(fg: .red, attrs: .bold)
    public var statusNew = Style(fg: .blue)
    public var statusDue = Style(fg: .red, attrs: .bold)
    public var statusLearning = Style(fg: .yellow)
    public var statusLearned = Style(fg: .green)
    public var warning = Style(fg: .yellow, attrs: .bold)
    public var danger = Style(fg: .red, attrs: .bold)
    public var success = Style(fg: .green, attrs: .bold)
    public var banner = Style(fg: .black, bg: .yellow)
    public var bannerError = Style(fg: .white, bg: .red, attrs: .bold)
    public var input = Style(attrs: .underline)
    public var overlay = Style()
    public var match = Style(fg: .magenta, attrs: .bold)
    public var heat: [Style] = [Style(fg: .brightBlack), Style(fg: .green), Style(fg: .green), Style(fg: .brightGreen), Style(fg: .brightGreen, attrs: .bold)]
    public var isMonochrome = false

    public init() {}

    public static let color = Theme()

    /// No colours at all: bold, dim, reverse and underline carry every state.
    public static let monochrome: Theme = {
        var t = Theme()
        t.isMonochrome = true
        t.heading = Style(attrs: [.bold, .underline])
        t.accent = Style(attrs: .bold)
        t.border = Style()
        t.borderFocused = Style(attrs: .bold)
        t.tabActive = Style(attrs: [.reverse, .bold])
        t.hintKey = Style(attrs: .bold)
        t.code = Style(attrs: .underline)
        t.codeBlock = Style()
        t.easy = Style()
        t.medium = Style(attrs: .bold)
        t.hard = Style(attrs: [.bold, .underline])
        t.statusNew = Style()
        t.statusDue = Style(attrs: [.bold, .reverse])
        t.statusLearning = Style(attrs: .underline)
        t.statusLearned = Style(attrs: .dim)
        t.warning = Style(attrs: [.bold, .underline])
        t.danger = Style(attrs: [.bold, .reverse])
        t.success = Style(attrs: .bold)
        t.banner = Style(attrs: .reverse)
        t.bannerError = Style(attrs: [.reverse, .bold])
        t.match = Style(attrs: [.bold, .underline])
        t.heat = [Style(attrs: .dim), Style(), Style(), Style(attrs: .bold), Style(attrs: [.bold, .reverse])]
        return t
    }()
}
