package org.lxcatastrophe.image.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import org.lxcatastrophe.api.idmap.IdRange;

/**
 * bench/image-extract.sh's runner for the bundle's extractor: {@code ExtractBench ROOTFS.tar.xz TARGET BASE [EXCLUDES]}.
 * Prints "wall_ms=N peak_heap_mb=M entries=E" (the wall time of the extraction itself, without JVM start).
 */
public final class ExtractBench {
    private ExtractBench() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> excludes = new LinkedHashSet<>();
        if (args.length > 3) {
            excludes.addAll(Files.readAllLines(Path.of(args[3])));
        }
        long t0 = System.nanoTime();
        TarExtractor.Result r = new TarExtractor(new IdRange(Long.parseLong(args[2]), 65536), excludes)
                .extractXz(Path.of(args[0]), Path.of(args[1]), ImageServiceImpl.threads());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.println("wall_ms=" + ms + " peak_heap_mb=" + (peak >> 20) + " entries=" + r.entries() + " skipped=" + r.skipped());
    }
}
