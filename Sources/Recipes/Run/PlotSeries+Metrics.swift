import Plot

extension PlotSeries {
    /// A curve from `metrics.jsonl` records: `value` is `loss`, `lr`, `images_per_second`, a loss term
    /// or a metric name; x is the step (or the epoch when `byEpoch`). Records without the value are skipped.
    public init(metrics records: [MetricsRecord], value: String, byEpoch: Bool = false, name: String? = nil) {
        var xs: [Double] = []
        var ys: [Double] = []
        for r in records {
            let v: Double?
            switch value {
            case "loss": v = r.loss
            case "lr": v = r.lr
            case "images_per_second": v = r.imagesPerSecond
            case "data_wait_seconds": v = r.dataWaitSeconds
            default: v = r.losses[value] ?? r.metrics[value]
            }
            guard let v else { continue }
            xs.append(byEpoch ? r.epoch : Double(r.step))
            ys.append(v)
        }
        self.init(name: name ?? value, x: xs, y: ys)
    }
}
