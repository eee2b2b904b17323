package org.edgenet.server.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Converts a local address to listen on; a subclass per option names it in the refusal. */
abstract class AddressConverter implements ITypeConverter<InetAddress> {
    private final String what;

    AddressConverter(String what) {
        this.what = what;
    }

    @Override
    public InetAddress convert(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new TypeConversionException("Unknown " + what + ": " + text);
        }
    }
}
