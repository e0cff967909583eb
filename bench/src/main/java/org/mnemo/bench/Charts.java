package org.mnemo.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG bar charts of benchmark results (XChart: plain Java2D, no display needed). */
final class Charts {
    private Charts() {}

    /** Grouped bars: one group per category, one bar per series. */
    static void bars(Path file, String title, String yAxis, List<String> categories, Map<String, List<Double>> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder()
                .width(1400)
                .height(600)
                .title(title)
                .yAxisTitle(yAxis)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        // XChart adds the extension itself.
        BitmapEncoder.saveBitmap(chart, file.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }
}
