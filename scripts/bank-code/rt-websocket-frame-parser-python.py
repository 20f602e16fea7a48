"""Check for rt-websocket-frame-parser-python: RFC 6455 section 5.7 examples, every
chunking of the input, masking round trips, fragmentation with interleaved control
frames, UTF-8 split across fragments, and each protocol violation's close code."""
import os
import random
import struct

from answer import (BINARY, CLOSE, CONT, PING, PONG, TEXT, FrameParser, ProtocolError,
                    accept_key, encode_frame)


def violation(code, data, **kw):
    p = FrameParser(**kw)
    try:
        p.feed(data)
    except ProtocolError as e:
        assert e.code == code, (e.code, code, e.reason)
        return e
    raise AssertionError(f"no ProtocolError {code} for {data[:20]!r}")


def feed_all(parser, data, step=None):
    out = []
    if step is None:
        return parser.feed(data)
    for i in range(0, len(data), step):
        out += parser.feed(data[i:i + step])
    return out


# Handshake (RFC 6455 section 1.3 example) and bad keys.
assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
for bad in ("not base64!", "aGVsbG8=", ""):
    try:
        accept_key(bad)
        raise AssertionError(bad)
    except ValueError:
        pass

# RFC 6455 section 5.7 examples.
hello_unmasked = bytes([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
hello_masked = bytes([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
frag = bytes([0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F])
ping = bytes([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
pong_masked = bytes([0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
assert FrameParser(expect_masked=False).feed(hello_unmasked) == [(TEXT, "Hello")]
assert FrameParser().feed(hello_masked) == [(TEXT, "Hello")]
assert FrameParser(expect_masked=False).feed(frag) == [(TEXT, "Hello")]
assert FrameParser(expect_masked=False).feed(ping) == [(PING, b"Hello")]
assert FrameParser().feed(pong_masked) == [(PONG, b"Hello")]
assert encode_frame(TEXT, b"Hello") == hello_unmasked
assert encode_frame(TEXT, b"Hello", mask_key=bytes([0x37, 0xFA, 0x21, 0x3D])) == hello_masked
assert encode_frame(BINARY, b"\0" * 256)[:4] == bytes([0x82, 0x7E, 0x01, 0x00])
assert encode_frame(BINARY, b"\0" * 65536)[:10] == bytes([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])

# Every split point of a stream of several frames gives the same events.
key = os.urandom(4)
stream = (encode_frame(TEXT, "héllo €".encode(), mask_key=key)
          + encode_frame(BINARY, bytes(range(256)) * 300, mask_key=key)    # 64-bit length
          + encode_frame(TEXT, "x".encode() * 300, mask_key=key)           # 16-bit length
          + encode_frame(PING, b"p", mask_key=key)
          + encode_frame(CLOSE, struct.pack("!H", 1000) + "bye".encode(), mask_key=key))
expected = [(TEXT, "héllo €"), (BINARY, bytes(range(256)) * 300), (TEXT, "x" * 300),
            (PING, b"p"), (CLOSE, (1000, "bye"))]
assert FrameParser(max_message_size=1 << 20).feed(stream) == expected
for step in (1, 2, 3, 7, 125, 126, 4096):
    assert feed_all(FrameParser(), stream, step) == expected, step
rng = random.Random(7)
for _ in range(50):
    p, out, i = FrameParser(), [], 0
    while i < len(stream):
        j = i + rng.randint(1, 300)
        out += p.feed(stream[i:j])
        i = j
    assert out == expected

# Fragmentation with an interleaved ping, and a UTF-8 character split across fragments.
euro = "€".encode()                                        # e2 82 ac
data = (encode_frame(TEXT, b"a" + euro[:1], fin=False, mask_key=key)
        + encode_frame(PING, b"mid", mask_key=key)
        + encode_frame(CONT, euro[1:], fin=False, mask_key=key)
        + encode_frame(CONT, b"z", fin=True, mask_key=key))
assert FrameParser().feed(data) == [(PING, b"mid"), (TEXT, "a€z")]
bin_frag = (encode_frame(BINARY, b"\xff\xfe", fin=False, mask_key=key)
            + encode_frame(CONT, b"\x00", mask_key=key))
assert FrameParser().feed(bin_frag) == [(BINARY, b"\xff\xfe\x00")]      # binary: no UTF-8 check
assert FrameParser().feed(encode_frame(TEXT, b"", mask_key=key)) == [(TEXT, "")]

# Protocol violations -> 1002.
violation(1002, bytes([0xC1, 0x80]) + key)                       # RSV1 without extension
violation(1002, bytes([0x83, 0x80]) + key)                       # reserved data opcode
violation(1002, bytes([0x8B, 0x80]) + key)                       # reserved control opcode
violation(1002, hello_unmasked)                                  # server got an unmasked frame
violation(1002, hello_masked, expect_masked=False)               # client got a masked frame
violation(1002, bytes([0x89, 0xFE, 0x00, 0x7E]) + key + b"x" * 126)   # control frame > 125
violation(1002, bytes([0x09, 0x80]) + key)                        # fragmented ping
violation(1002, encode_frame(CONT, b"x", mask_key=key))          # continuation without start
violation(1002, encode_frame(TEXT, b"a", fin=False, mask_key=key)
          + encode_frame(TEXT, b"b", mask_key=key))              # new message mid-fragmentation
violation(1002, bytes([0x82, 0xFE, 0x00, 0x05]) + key + b"x" * 5)      # non-minimal 16-bit
violation(1002, bytes([0x82, 0xFF]) + struct.pack("!Q", 1 << 63) + key)  # 64-bit MSB set
violation(1002, bytes([0x82, 0xFF]) + struct.pack("!Q", 200) + key)      # non-minimal 64-bit
violation(1002, bytes([0x88, 0x81]) + key + bytes([0x00 ^ key[0]]))     # 1-byte close payload
for code in (999, 1004, 1005, 1006, 1015, 2000, 5000):
    violation(1002, encode_frame(CLOSE, struct.pack("!H", code), mask_key=key))
for code in (1000, 1001, 1011, 1013, 3000, 4999):
    assert FrameParser().feed(encode_frame(CLOSE, struct.pack("!H", code), mask_key=key)) == [(CLOSE, (code, ""))]
assert FrameParser().feed(encode_frame(CLOSE, b"", mask_key=key)) == [(CLOSE, (1005, ""))]

# Invalid UTF-8 -> 1007, failing fast in the first fragment; also in a close reason.
violation(1007, encode_frame(TEXT, b"\xff", mask_key=key))
violation(1007, encode_frame(TEXT, "ok".encode() + b"\xed\xa0\x80", mask_key=key))   # surrogate
violation(1007, encode_frame(TEXT, b"\xc0\xaf", mask_key=key))                       # overlong
violation(1007, encode_frame(TEXT, b"ok\xe2\x82", mask_key=key))                     # truncated at fin
violation(1007, encode_frame(TEXT, b"a\xff", fin=False, mask_key=key))               # fail fast
violation(1007, encode_frame(CLOSE, struct.pack("!H", 1000) + b"\xff", mask_key=key))

# Size limit -> 1009, decided from the header before the payload arrives, across fragments.
p = FrameParser(max_message_size=1000)
try:
    p.feed(bytes([0x82, 0xFF]) + struct.pack("!Q", 10 ** 9))      # header only, 1 GB claimed
    raise AssertionError("no 1009")
except ProtocolError as e:
    assert e.code == 1009
violation(1009, encode_frame(BINARY, b"x" * 600, fin=False, mask_key=key)
          + encode_frame(CONT, b"x" * 600, mask_key=key), max_message_size=1000)
assert FrameParser(max_message_size=1000).feed(encode_frame(BINARY, b"x" * 1000, mask_key=key))

# Events completed before a violation are not lost; nothing is accepted after close.
e = violation(1002, hello_masked + bytes([0xC1, 0x80]) + key)
assert e.events == [(TEXT, "Hello")], e.events
p = FrameParser()
assert p.feed(encode_frame(CLOSE, struct.pack("!H", 1000), mask_key=key) + hello_masked) == [(CLOSE, (1000, ""))]
try:
    p.feed(hello_masked)
    raise AssertionError("accepted data after close")
except ProtocolError as e:
    assert e.code == 1002

# Encoder refuses illegal control frames and bad masks.
for args, kw in (((PING, b"x" * 126), {}), ((CLOSE, b""), {"fin": False}),
                 ((TEXT, b"x"), {"mask_key": b"abc"}), ((0x3, b""), {})):
    try:
        encode_frame(*args, **kw)
        raise AssertionError(args)
    except ValueError:
        pass

print("rt-websocket-frame-parser-python: all checks passed")
