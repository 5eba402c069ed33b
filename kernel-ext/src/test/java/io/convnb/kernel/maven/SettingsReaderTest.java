package io.convnb.kernel.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsMirrorsProxiesServersOfflineAndTheLocalRepository() throws Exception {
        Path f = dir.resolve("settings.xml");
        Files.writeString(f, """
                <?xml version="1.0" encoding="UTF-8"?>
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <localRepository>${user.home}/m2-elsewhere</localRepository>
                  <offline>true</offline>
                  <mirrors>
                    <mirror><id>corp</id><url>https://nexus.example.com/maven/</url><mirrorOf>*,!snapshots</mirrorOf></mirror>
                    <mirror><id>other</id><url>https://other.example.com/</url><mirrorOf>other-repo</mirrorOf><blocked>true</blocked></mirror>
                  </mirrors>
                  <proxies>
                    <proxy><id>off</id><active>false</active><host>unused</host></proxy>
                    <proxy><id>p</id><protocol>https</protocol><host>proxy.example.com</host><port>3128</port>
                      <username>me</username><password>pw</password><nonProxyHosts>localhost|*.example.com</nonProxyHosts></proxy>
                  </proxies>
                  <servers><server><id>corp</id><username>u</username><password>secret</password></server></servers>
                  <profiles><profile><id>ignored</id></profile></profiles>
                </settings>
                """);
        MavenSettings s = SettingsReader.read(f);
        assertEquals(Path.of(System.getProperty("user.home"), "m2-elsewhere"), s.localRepository());
        assertTrue(s.offline());
        assertEquals(List.of(new MavenSettings.Mirror("corp", "https://nexus.example.com/maven/", "*,!snapshots", "default", false),
                new MavenSettings.Mirror("other", "https://other.example.com/", "other-repo", "default", true)), s.mirrors());
        assertEquals(List.of(new MavenSettings.Proxy("p", "https", "proxy.example.com", 3128, "me", "pw", "localhost|*.example.com")),
                s.proxies());
        assertEquals(List.of(new MavenSettings.Server("corp", "u", "secret")), s.servers());
        assertEquals("corp", s.centralMirror().id());
        assertEquals(f, s.source());
    }

    @Test
    void withoutAFileTheDefaultsApply() {
        MavenSettings s = SettingsReader.read(dir.resolve("absent.xml"));
        assertFalse(s.offline());
        assertTrue(s.mirrors().isEmpty());
        assertNull(s.centralMirror());
        assertNull(s.source());
        assertEquals(MavenSettings.defaultLocalRepository(), s.localRepository());
    }

    @Test
    void mirrorOfFollowsMavensRules() {
        assertTrue(MavenSettings.mirrorsCentral("*"));
        assertTrue(MavenSettings.mirrorsCentral("external:*"));
        assertTrue(MavenSettings.mirrorsCentral("central"));
        assertTrue(MavenSettings.mirrorsCentral("foo, central"));
        assertFalse(MavenSettings.mirrorsCentral("*,!central"));
        assertFalse(MavenSettings.mirrorsCentral("foo"));
    }

    @Test
    void interpolatesEnvironmentAndSystemProperties() {
        assertEquals("/x/repo", SettingsReader.interpolate("${env.M2_BASE}/repo", Map.of("M2_BASE", "/x")));
        assertEquals(System.getProperty("java.version") + "/${env.NOPE}",
                SettingsReader.interpolate("${java.version}/${env.NOPE}", Map.of()));
    }

    @Test
    void brokenFilesAreReportedWithTheLineAndAFix() throws Exception {
        Path f = dir.resolve("settings.xml");
        Files.writeString(f, "<settings>\n  <mirrors>\n    <mirror><id>x</id>\n  </mirrors>\n</settings>\n");
        MavenException e = assertThrows(MavenException.class, () -> SettingsReader.read(f));
        assertTrue(e.getMessage().startsWith("%maven: cannot read the Maven settings " + f + ": line 4: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("Fix the file (or move it away to use the defaults: Maven Central and "
                + MavenSettings.defaultLocalRepository() + ")."), e.getMessage());

        Files.writeString(f, "<settings><mirrors><mirror><id>x</id><mirrorOf>*</mirrorOf></mirror></mirrors></settings>");
        assertEquals("%maven: mirror x in " + f + " has no <url>. Add it, or remove the entry.",
                assertThrows(MavenException.class, () -> SettingsReader.read(f)).getMessage());

        Files.writeString(f, "<settings><proxies><proxy><id>p</id><host>h</host><port>eighty</port></proxy></proxies></settings>");
        assertEquals("%maven: proxy p in " + f + " has port 'eighty', which is not a number. Write e.g. <port>8080</port>.",
                assertThrows(MavenException.class, () -> SettingsReader.read(f)).getMessage());

        Files.writeString(f, "<project/>");
        assertEquals("%maven: " + f + " is not a Maven settings file: its root element is <project>, not <settings>.",
                assertThrows(MavenException.class, () -> SettingsReader.read(f)).getMessage());
    }
}
