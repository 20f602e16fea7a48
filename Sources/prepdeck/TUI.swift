import Foundation
import PrepdeckCore
import PrepdeckStore

enum StartScreen { case browse, practice, review }

func launchTUI(_ g: GlobalOptions, start: StartScreen) throws {
    throw CLIError("the full-screen app is not built yet", code: 69)
}
