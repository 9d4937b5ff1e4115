import Foundation

/// A self-contained HTML report: headings, text, tables, code and figures of SVG charts inline, with the style in the
/// page and no scripts or outside resources, so one file opens anywhere (mailed, archived, offline). The analyses
/// (`veer sweep`, `veer prefutil`, the search) build one each; `figures` gives every figure as a standalone SVG
/// document as well, for PNG rendering.
public struct HTMLReport: Sendable {
    public let title: String
    private var body: [String] = []
    /// Every figure added, in order, as a whole SVG document.
    public private(set) var figures: [(name: String, svg: String)] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String) { body.append("<h2>\(Markup.escape(text))</h2>") }

    public mutating func paragraph(_ text: String) { body.append("<p>\(Markup.escape(text))</p>") }

    public mutating func list(_ items: [String]) {
        body.append("<ul>" + items.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>")
    }

    /// A table; cells that read as numbers are right-aligned.
    public mutating func table(header: [String], rows: [[String]]) {
        func cell(_ text: String, tag: String) -> String {
            let numeric = Double(text.trimmingCharacters(in: .whitespaces)) != nil
            return "<\(tag)\(numeric ? " class=\"n\"" : "")>\(Markup.escape(text))</\(tag)>"
        }
        var out = ["<table>", "<tr>" + header.map { cell($0, tag: "th") }.joined() + "</tr>"]
        out += rows.map { "<tr>" + $0.map { cell($0, tag: "td") }.joined() + "</tr>" }
        out.append("</table>")
        body.append(out.joined(separator: "\n"))
    }

    /// Preformatted text, e.g. the command line that produced the report.
    public mutating func code(_ text: String) { body.append("<pre>\(Markup.escape(text))</pre>") }

    /// Charts in a grid, inline, with a caption. `name` identifies the figure (a file-name fragment: letters, digits,
    /// `-` and `_`) when it is rendered on its own.
    public mutating func figure(name: String, charts: [LineChart], columns: Int = 2, caption: String) {
        let svg = LineChart.document(charts, columns: columns)
        figures.append((name: name, svg: svg))
        body.append("<figure id=\"\(Markup.escape(name))\">\n\(svg)<figcaption>\(Markup.escape(caption))</figcaption></figure>")
    }

    /// The whole document.
    public var html: String {
        let style = """
            body{font-family:sans-serif;max-width:62em;margin:2em auto;padding:0 1em;color:#111}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}
            .n{text-align:right;font-variant-numeric:tabular-nums}pre{background:#f4f4f4;padding:.6em;overflow-x:auto}
            figure{margin:1.5em 0}svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#444}
            """
        return (["<!doctype html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                 "<title>\(Markup.escape(title))</title>", "<style>\(style)</style>", "</head><body>",
                 "<h1>\(Markup.escape(title))</h1>"] + body + ["</body></html>"]).joined(separator: "\n") + "\n"
    }
}
