package org.memtypelab.lab.cli;

import picocli.CommandLine;

/** {@code HOST:PORT} as {@code --bind}, {@code --seed} and {@code --join} take it; port 0 means any free port. */
record HostPort(String host, int port) {

    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** picocli's converter: a malformed value is a plain-words error (exit 2). */
    static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not HOST:PORT (e.g. 192.168.1.20:25520)");
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "': the port must be a number from 0 to 65535");
            }
            return new HostPort(value.substring(0, colon), port);
        }
    }
}
