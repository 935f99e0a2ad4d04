"""Protocol abuse over raw sockets: truncated and malformed handshake responses, oversized
length headers, garbage after login, stalled half-packets and 10,000+ random packets from a
fixed seed. After every abuse a fresh PyMySQL connection must still run SELECT 1: the server
may close the abusive connection, but it must keep serving everyone else.

Commands that would legitimately stop or disturb a reference server (COM_SHUTDOWN,
COM_PROCESS_KILL, binlog/replication commands) are left out of the random command bytes.
"""

import random
import socket
import struct
import time

import pytest

# Capability bits (mysql_protocol.md §1.3).
LONG_PASSWORD = 0x1
CONNECT_WITH_DB = 0x8
PROTOCOL_41 = 0x200
TRANSACTIONS = 0x2000
SECURE_CONNECTION = 0x8000
MULTI_RESULTS = 0x20000
PLUGIN_AUTH = 0x80000
CONNECT_ATTRS = 0x100000
PLUGIN_AUTH_LENENC = 0x200000
CLIENT_CAPS = (LONG_PASSWORD | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | MULTI_RESULTS
               | PLUGIN_AUTH)

# COM_SHUTDOWN, COM_PROCESS_KILL, COM_BINLOG_DUMP, COM_TABLE_DUMP, COM_REGISTER_SLAVE,
# COM_BINLOG_DUMP_GTID.
UNSAFE_COMMANDS = {0x08, 0x0C, 0x12, 0x13, 0x15, 0x1E}
SEED = 20240607
RANDOM_PACKETS = 10_000
RANDOM_CONNECTIONS = 8
IO_TIMEOUT = 5.0


def packet(payload: bytes, seq: int) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed by server")
        buf += chunk
    return buf


def recv_packet(sock):
    header = recv_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], recv_exact(sock, length)


def open_raw(target):
    sock = socket.create_connection((target.host, target.port), timeout=IO_TIMEOUT)
    seq, greeting = recv_packet(sock)
    assert seq == 0
    assert greeting[0] in (0x0A, 0xFF), f"unexpected greeting byte {greeting[0]:#x}"
    return sock, greeting


def handshake_response(user: str, caps=CLIENT_CAPS, plugin=b"mysql_native_password") -> bytes:
    body = struct.pack("<IIB", caps, 16 * 1024 * 1024, 45) + b"\0" * 23
    body += user.encode() + b"\0"
    body += b"\0"  # SECURE_CONNECTION: 1-byte auth length, empty password
    if caps & PLUGIN_AUTH:
        body += plugin + b"\0"
    return body


def login(target):
    """Logs in with an empty password; returns the socket in the command phase."""
    sock, _ = open_raw(target)
    sock.sendall(packet(handshake_response(target.user), 1))
    seq, reply = recv_packet(sock)
    if reply[:1] == b"\xfe":  # AuthSwitchRequest: empty password -> empty response
        sock.sendall(packet(b"", seq + 1))
        seq, reply = recv_packet(sock)
    assert reply[:1] == b"\x00", f"login failed: {reply!r}"
    return sock


def close_quietly(sock):
    try:
        sock.close()
    except OSError:
        pass


def send_quietly(sock, data):
    """Sends, ignoring a server that already closed the connection."""
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def drain(sock, wait=0.0):
    """Reads whatever the server sent; returns False once the server closed the socket."""
    sock.settimeout(wait)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return False
    except (socket.timeout, BlockingIOError):
        return True
    except OSError:
        return False
    finally:
        sock.settimeout(IO_TIMEOUT)


def assert_server_alive(target):
    conn = target.pymysql()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    finally:
        conn.close()


@pytest.fixture
def alive(target):
    assert_server_alive(target)
    yield
    assert_server_alive(target)


# --------------------------------------------------------------------------- handshake phase


def test_connect_and_close_without_reading(target, alive):
    for _ in range(20):
        sock = socket.create_connection((target.host, target.port), timeout=IO_TIMEOUT)
        sock.close()


def test_close_after_greeting(target, alive):
    sock, greeting = open_raw(target)
    assert greeting[0] == 0x0A
    sock.close()


@pytest.mark.parametrize("cut", [1, 4, 10, 31, 32, 33, 40])
def test_truncated_handshake_response(target, alive, cut):
    """A well-framed packet whose body stops early, and a frame that promises more bytes."""
    body = handshake_response(target.user)
    sock, _ = open_raw(target)
    send_quietly(sock, packet(body[:cut], 1))
    drain(sock, 0.2)
    close_quietly(sock)

    sock, _ = open_raw(target)
    send_quietly(sock, packet(body, 1)[:4 + cut])
    close_quietly(sock)


@pytest.mark.parametrize("length", [0xFFFFFF, 0xFFFFFE, 0x800000, 0x10000])
def test_oversized_length_header(target, alive, length):
    sock, _ = open_raw(target)
    send_quietly(sock, struct.pack("<I", length)[:3] + b"\x01" + b"\xab" * 1000)
    close_quietly(sock)

    sock = login(target)
    send_quietly(sock, struct.pack("<I", length)[:3] + b"\x00" + b"\x03SELECT 1" + b"\0" * 100)
    close_quietly(sock)


MALFORMED_RESPONSES = {
    "empty_payload": b"",
    "no_protocol_41": struct.pack("<IIB", SECURE_CONNECTION, 0, 33) + b"\0" * 23 + b"root\0\0",
    "user_not_terminated": struct.pack("<IIB", CLIENT_CAPS, 0, 45) + b"\0" * 23 + b"root",
    "auth_length_past_end": struct.pack("<IIB", CLIENT_CAPS, 0, 45) + b"\0" * 23
    + b"root\0\xff\x01\x02",
    "lenenc_auth_huge": struct.pack("<IIB", CLIENT_CAPS | PLUGIN_AUTH_LENENC, 0, 45) + b"\0" * 23
    + b"root\0\xfe" + b"\xff" * 8,
    "db_not_terminated": struct.pack("<IIB", CLIENT_CAPS | CONNECT_WITH_DB, 0, 45) + b"\0" * 23
    + b"root\0\0information_sch",
    "attrs_length_huge": handshake_response("root", CLIENT_CAPS | CONNECT_ATTRS)
    + b"\xfd\xff\xff\xff",
    "attrs_truncated_pairs": handshake_response("root", CLIENT_CAPS | CONNECT_ATTRS)
    + b"\x10\x05_name\x20abc",
    "unknown_plugin": handshake_response("root", plugin=b"no_such_plugin_" + b"x" * 200),
    "collation_zero": struct.pack("<IIB", CLIENT_CAPS, 0, 0) + b"\0" * 23 + b"root\0\0"
    + b"mysql_native_password\0",
    "ssl_request_without_tls": struct.pack("<IIB", CLIENT_CAPS | 0x800, 0, 45) + b"\0" * 23,
    "all_ff": b"\xff" * 64,
    "user_10k": struct.pack("<IIB", CLIENT_CAPS, 0, 45) + b"\0" * 23 + b"u" * 10_000 + b"\0\0",
}


@pytest.mark.parametrize("name", sorted(MALFORMED_RESPONSES))
def test_malformed_handshake_response(target, alive, name):
    sock, _ = open_raw(target)
    send_quietly(sock, packet(MALFORMED_RESPONSES[name], 1))
    drain(sock, 0.3)
    close_quietly(sock)


def test_wrong_sequence_id_in_handshake_response(target, alive):
    sock, _ = open_raw(target)
    send_quietly(sock, packet(handshake_response(target.user), 7))
    drain(sock, 0.3)
    close_quietly(sock)


def test_stalled_half_packet_does_not_block_others(target, alive):
    """A client that sends half a header and goes silent must not stall other sessions."""
    stalled = []
    try:
        for _ in range(3):
            sock, _ = open_raw(target)
            sock.sendall(b"\x50\x00")
            stalled.append(sock)
        sock = login(target)
        sock.sendall(b"\x10\x00")
        stalled.append(sock)
        assert_server_alive(target)
    finally:
        for sock in stalled:
            close_quietly(sock)


# ----------------------------------------------------------------------------- command phase

GARBAGE_COMMANDS = {
    "empty_packet": b"",
    "unknown_command": b"\xee\x01\x02\x03",
    "command_ff": b"\xff",
    "query_invalid_utf8": b"\x03SELECT '\xff\xfe\xc3'",
    "query_nul_bytes": b"\x03SELECT\x001",
    "query_empty": b"\x03",
    "init_db_garbage": b"\x02\xff\xfe\x00db",
    "field_list_no_nul": b"\x04sometable",
    "stmt_prepare_garbage": b"\x16\x01\x02\x03",
    "stmt_execute_unknown_id": b"\x17\xff\xff\xff\x7f\x00\x01\x00\x00\x00",
    "stmt_execute_short": b"\x17\x01",
    "stmt_close_unknown": b"\x19\x01\x00\x00\x00",
    "stmt_reset_unknown": b"\x1a\x01\x00\x00\x00",
    "stmt_fetch_garbage": b"\x1c\x01",
    "stmt_send_long_data_short": b"\x18\x01\x00",
    "set_option_bad": b"\x1b\x07\x00",
    "set_option_short": b"\x1b",
    "change_user_garbage": b"\x11\xff\xff\xff",
    "statistics_with_payload": b"\x09" + b"x" * 100,
    "ping_with_payload": b"\x0e" + b"x" * 100,
    "reset_connection": b"\x1f",
    "text_garbage": b"hello world, this is not a MySQL packet",
}


@pytest.mark.parametrize("name", sorted(GARBAGE_COMMANDS))
def test_garbage_after_handshake(target, alive, name):
    sock = login(target)
    try:
        send_quietly(sock, packet(GARBAGE_COMMANDS[name], 0))
        drain(sock, 0.2)
        # If the server kept the connection, it must still answer a ping on it.
        if send_quietly(sock, packet(b"\x0e", 0)):
            drain(sock, 0.2)
    finally:
        close_quietly(sock)


def test_pipelined_garbage_then_query(target, alive):
    """Several garbage commands and a valid query in one TCP write (pipelining, §0 item 14)."""
    sock = login(target)
    try:
        burst = b"".join(packet(p, 0) for p in (b"\xee", b"\x03SELEC", b"\x17\x01", b"\x0e"))
        send_quietly(sock, burst + packet(b"\x03SELECT 1", 0))
        drain(sock, 0.3)
    finally:
        close_quietly(sock)


# ------------------------------------------------------------------------------ random packets


def _random_packet(rng: random.Random, authenticated: bool) -> bytes:
    size = rng.choice((0, 1, 2, 5, 9, 16, 33, 64, 200))
    payload = bytearray(rng.getrandbits(8) for _ in range(size))
    if authenticated and payload:
        command = rng.randrange(0x00, 0x24) if rng.random() < 0.9 else rng.randrange(256)
        while command in UNSAFE_COMMANDS:
            command = rng.randrange(256)
        payload[0] = command
    seq = 0 if rng.random() < 0.8 else rng.randrange(256)
    if rng.random() < 0.05:
        # A header that lies about the length (shorter than promised, or longer).
        length = max(0, len(payload) + rng.choice((-3, -1, 1, 7, 100)))
        return struct.pack("<I", length)[:3] + bytes([seq]) + bytes(payload)
    return packet(bytes(payload), seq)


def test_random_packets(target, alive):
    rng = random.Random(SEED)
    sent = 0
    connections = 0
    deadline = time.monotonic() + 45
    per_connection = RANDOM_PACKETS // RANDOM_CONNECTIONS
    while sent < RANDOM_PACKETS:
        assert time.monotonic() < deadline, f"only {sent} packets sent in time"
        authenticated = connections % 4 != 0  # most connections fuzz the command phase
        sock = login(target) if authenticated else open_raw(target)[0]
        connections += 1
        try:
            for idx in range(per_connection):
                if not send_quietly(sock, _random_packet(rng, authenticated)):
                    break
                sent += 1
                if idx % 25 == 24 and not drain(sock):
                    break
                if sent >= RANDOM_PACKETS:
                    break
        finally:
            close_quietly(sock)
        if connections % 10 == 0:
            assert_server_alive(target)
    assert sent >= RANDOM_PACKETS
    print(f"{sent} random packets over {connections} connections")
