// swift-tools-version:6.0
import PackageDescription

// Layers (see docs/architecture.md):
//   PrepdeckCore     model + scheduler, pure Swift (no I/O, no terminal)
//   PrepdeckStore    persistence: the data directory and bank files (files only)
//   PrepdeckUI       terminal-independent UI: cell grid, widgets, app state/update/view
//   CNcursesw        system library shim for ncursesw
//   CSQLite          system library shim for SQLite (reading Anki collections)
//   PrepdeckTerminal the only code that calls ncursesw
//   prepdeck         the executable: command line, wiring
let package = Package(
    name: "prepdeck",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "prepdeck", targets: ["prepdeck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Reading Anki packages (zip files): docs/architecture.md.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(name: "PrepdeckCore"),
        .target(name: "PrepdeckStore", dependencies: ["PrepdeckCore", "CSQLite", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "PrepdeckUI", dependencies: ["PrepdeckCore"]),
        .systemLibrary(
            name: "CNcursesw",
            path: "Sources/CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "PrepdeckTerminal", dependencies: ["PrepdeckUI", "CNcursesw"]),
        .executableTarget(
            name: "prepdeck",
            dependencies: [
                "PrepdeckCore", "PrepdeckStore", "PrepdeckUI", "PrepdeckTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "prepdeck-bench",
            dependencies: ["PrepdeckCore", "PrepdeckStore", "PrepdeckUI"],
            path: "Benchmarks/PrepdeckBench"
        ),
        // Fixtures are read from the source tree (#filePath), not bundled.
        .testTarget(name: "PrepdeckCoreTests", dependencies: ["PrepdeckCore"], exclude: ["Fixtures"]),
        .testTarget(name: "PrepdeckStoreTests", dependencies: ["PrepdeckStore", "PrepdeckCore"], exclude: ["Fixtures"]),
        .testTarget(name: "PrepdeckUITests", dependencies: ["PrepdeckUI", "PrepdeckCore"]),
        .testTarget(name: "PrepdeckCLITests", dependencies: ["PrepdeckCore", "prepdeck"]),
    ],
    swiftLanguageModes: [.v6]
)
