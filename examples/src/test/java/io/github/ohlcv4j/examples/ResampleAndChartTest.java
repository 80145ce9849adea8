package io.github.ohlcv4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResampleAndChartTest {

  @Test
  void writesACandlestickPngOfTheHourlyCandles(@TempDir Path dir) throws IOException {
    Path png = dir.resolve("charts/btcusdt-1h.png"); // a folder that does not exist yet
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      ResampleAndChart.main(new String[] {"sample:", "BTCUSDT", png.toString()});
    } finally {
      System.setOut(stdout);
    }

    assertTrue(Files.isRegularFile(png), "no file at " + png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "not a picture ImageIO can read: " + png);
    assertEquals(ResampleAndChart.WIDTH, image.getWidth());
    assertEquals(ResampleAndChart.HEIGHT, image.getHeight());
    // Candles were drawn: three days of hourly sample candles hold rising and falling ones.
    assertTrue(countPixels(image, ResampleAndChart.UP.getRGB()) > 500, "no rising candles");
    assertTrue(countPixels(image, ResampleAndChart.DOWN.getRGB()) > 500, "no falling candles");

    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("BTCUSDT 1h · 72 candles"), out);
    assertTrue(out.contains("to " + png.toAbsolutePath()), out);
  }

  private static int countPixels(BufferedImage image, int argb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == argb) {
          n++;
        }
      }
    }
    return n;
  }
}
