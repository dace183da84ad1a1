package io.billingsnapshot.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Throughput against batch size, both axes logarithmic, drawn with Java2D into a PNG. */
final class Chart {

    /** One line of the chart: a label, its colour, dashed or not, and (batch size, messages per second) points. */
    record Series(String label, Color color, boolean dashed, List<double[]> points) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 250;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private Chart() {
    }

    static void write(Path file, String title, List<Series> series) throws IOException {
        double minX = 10;
        double maxX = 10_000;
        double minY = Math.pow(10, Math.floor(Math.log10(series.stream().flatMap(s -> s.points().stream())
                .mapToDouble(p -> p[1]).min().orElse(1))));
        double maxY = Math.pow(10, Math.ceil(Math.log10(series.stream().flatMap(s -> s.points().stream())
                .mapToDouble(p -> p[1]).max().orElse(10))));
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double x = minX; x <= maxX; x *= 10) {
            int px = LEFT + (int) (plotWidth * (Math.log10(x) - Math.log10(minX)) / (Math.log10(maxX) - Math.log10(minX)));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(px, TOP, px, TOP + plotHeight);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", (long) x);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + plotHeight + 18);
        }
        for (double y = minY; y <= maxY * 1.0001; y *= 10) {
            int py = yPixel(y, minY, maxY, plotHeight);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, py, LEFT + plotWidth, py);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", (long) y);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.drawString("messages per batch (log)", LEFT + plotWidth / 2 - 70, HEIGHT - 25);
        g.rotate(-Math.PI / 2);
        g.drawString("messages per second (log)", -(TOP + plotHeight / 2 + 75), 25);
        g.rotate(Math.PI / 2);

        int legendY = TOP + 10;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(stroke(s.dashed()));
            int[] xs = new int[s.points().size()];
            int[] ys = new int[s.points().size()];
            for (int i = 0; i < xs.length; i++) {
                double[] p = s.points().get(i);
                xs[i] = LEFT + (int) (plotWidth * (Math.log10(p[0]) - Math.log10(minX))
                        / (Math.log10(maxX) - Math.log10(minX)));
                ys[i] = yPixel(p[1], minY, maxY, plotHeight);
                g.fillOval(xs[i] - 4, ys[i] - 4, 8, 8);
            }
            g.drawPolyline(xs, ys, xs.length);
            g.drawLine(WIDTH - RIGHT + 20, legendY, WIDTH - RIGHT + 55, legendY);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), WIDTH - RIGHT + 62, legendY + 4);
            legendY += 24;
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed
                ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {7, 5}, 0)
                : new BasicStroke(2.2f);
    }

    private static int yPixel(double y, double minY, double maxY, int plotHeight) {
        double f = (Math.log10(y) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY));
        return TOP + plotHeight - (int) (plotHeight * f);
    }
}
