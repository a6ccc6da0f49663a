import Foundation
import Plot
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class SVGPlotTests: XCTestCase {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var seriesNames: [String] = []
        var texts: [String] = []
        var current = ""
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(name)
            if name == "polyline", let n = attributes["data-name"] { seriesNames.append(n) }
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(current) }
            current = ""
        }
    }

    func testChartIsWellFormedAndHasEverySeries() {
        let chart = SVGLineChart(
            title: "BYOL <loss> & accuracy", xLabel: "epoch", yLabel: "value",
            series: [
                PlotSeries(name: "train loss", y: [2.3, 1.2, 0.8, 0.6, .nan, 0.5]),
                PlotSeries(name: "kNN top-1", x: [0, 2, 4], y: [0.3, 0.6, 0.75]),
            ])
        let svg = chart.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")\n\(svg)")
        XCTAssertEqual(collector.elements.first, "svg")
        XCTAssertEqual(collector.seriesNames, ["train loss", "kNN top-1"])
        XCTAssertTrue(collector.texts.contains("BYOL <loss> & accuracy"))
        XCTAssertTrue(collector.texts.contains("train loss") && collector.texts.contains("kNN top-1"))
        XCTAssertTrue(collector.texts.contains("epoch"))
        XCTAssertGreaterThanOrEqual(collector.texts.filter { Double($0) != nil }.count, 6, "tick labels")
    }

    func testNiceTicksAndLogAxis() {
        XCTAssertEqual(SVGLineChart.niceTicks(0, 1), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        XCTAssertEqual(SVGLineChart.niceTicks(3, 97), [0, 20, 40, 60, 80, 100])
        let svg = SVGLineChart(title: "lr", series: [PlotSeries(name: "lr", y: [1, 0.1, 0.01, 0.001])], logY: true).svg()
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        XCTAssertTrue(svg.contains(">0.01<"), svg)
    }
}
