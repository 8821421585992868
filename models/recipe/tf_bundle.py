"""Minimal reader for TensorFlow checkpoint tensor bundles (variables.index + data shards).

No TensorFlow needed: the .index file is a LevelDB-style SSTable whose keys are tensor
names and whose values are serialized BundleEntryProto messages; each entry points at a
byte range inside a data shard holding the raw little-endian tensor.

Usage:
    bundle = TensorBundle("path/to/variables/variables")   # prefix, without .index
    for name in bundle.names(): ...
    array = bundle.get("bert/embeddings/word_embeddings")  # numpy array

Command line: python3 tf_bundle.py PREFIX   (lists tensors)
"""

import os
import struct
import sys

import numpy as np

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_LEN = 48  # 2 block handles padded to 40 bytes + 8 byte magic
BLOCK_TRAILER_LEN = 5  # 1 byte compression type + 4 byte masked crc32c

# tensorflow/core/framework/types.proto -> numpy little-endian dtypes
DTYPES = {
    1: "<f4",   # DT_FLOAT
    2: "<f8",   # DT_DOUBLE
    3: "<i4",   # DT_INT32
    4: "u1",    # DT_UINT8
    5: "<i2",   # DT_INT16
    6: "i1",    # DT_INT8
    9: "<i8",   # DT_INT64
    10: "?",    # DT_BOOL
    17: "<u2",  # DT_UINT16
    19: "<f2",  # DT_HALF
    22: "<u4",  # DT_UINT32
    23: "<u8",  # DT_UINT64
}
DT_STRING = 7


class BundleError(Exception):
    pass


# ---------------------------------------------------------------- varints / protobuf

def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise BundleError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise BundleError("varint too long")


def iter_proto_fields(buf):
    """Yields (field_number, wire_type, value) for a serialized protobuf message.

    value is an int for varint/fixed fields and a bytes object for length-delimited ones.
    """
    pos = 0
    n = len(buf)
    while pos < n:
        key, pos = read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 1:
            value = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            value = bytes(buf[pos:pos + length])
            if len(value) != length:
                raise BundleError("truncated length-delimited field")
            pos += length
        elif wire == 5:
            value = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        else:
            raise BundleError("unsupported protobuf wire type %d" % wire)
        yield field, wire, value


def parse_shape(buf):
    """TensorShapeProto: dim = 2 (repeated Dim {size = 1, name = 2}), unknown_rank = 3."""
    dims = []
    for field, _, value in iter_proto_fields(buf):
        if field == 2:
            size = 0
            for f2, _, v2 in iter_proto_fields(value):
                if f2 == 1:
                    size = v2
            if size >= 1 << 63:  # int64 encoded as unsigned varint
                size -= 1 << 64
            dims.append(size)
        elif field == 3 and value:
            raise BundleError("tensor with unknown rank")
    return tuple(dims)


class BundleEntry:
    __slots__ = ("name", "dtype", "shape", "shard_id", "offset", "size", "crc32c", "has_slices")

    def __init__(self, name, value):
        self.name = name
        self.dtype = 0
        self.shape = ()
        self.shard_id = 0
        self.offset = 0
        self.size = 0
        self.crc32c = None
        self.has_slices = False
        for field, _, v in iter_proto_fields(value):
            if field == 1:
                self.dtype = v
            elif field == 2:
                self.shape = parse_shape(v)
            elif field == 3:
                self.shard_id = v
            elif field == 4:
                self.offset = v
            elif field == 5:
                self.size = v
            elif field == 6:
                self.crc32c = v
            elif field == 7:
                self.has_slices = True

    def __repr__(self):
        return "BundleEntry(%s, dtype=%d, shape=%s, shard=%d, offset=%d, size=%d)" % (
            self.name, self.dtype, list(self.shape), self.shard_id, self.offset, self.size)


# ---------------------------------------------------------------- crc32c (Castagnoli)

def _make_crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _make_crc_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def unmask_crc(masked):
    rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


# ---------------------------------------------------------------- SSTable

def _read_block(data, offset, size, verify_crc=True):
    end = offset + size
    if end + BLOCK_TRAILER_LEN > len(data):
        raise BundleError("block handle out of range")
    kind = data[end]
    if verify_crc:
        expected = unmask_crc(struct.unpack_from("<I", data, end + 1)[0])
        actual = crc32c(data[offset:end + 1])  # crc covers contents + type byte
        if expected != actual:
            raise BundleError("block crc mismatch at offset %d" % offset)
    if kind == 0:
        return data[offset:end]
    if kind == 1:
        raise BundleError("snappy-compressed SSTable block at offset %d is not supported "
                          "(only uncompressed blocks are)" % offset)
    raise BundleError("unknown SSTable block compression type %d" % kind)


def _iter_block(block):
    if len(block) < 4:
        raise BundleError("block too short")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * num_restarts
    if limit < 0:
        raise BundleError("bad restart count")
    pos = 0
    key = b""
    while pos < limit:
        shared, pos = read_varint(block, pos)
        non_shared, pos = read_varint(block, pos)
        value_len, pos = read_varint(block, pos)
        if shared > len(key):
            raise BundleError("bad prefix compression")
        key = key[:shared] + bytes(block[pos:pos + non_shared])
        pos += non_shared
        value = bytes(block[pos:pos + value_len])
        pos += value_len
        yield key, value


def _read_handle(buf, pos):
    offset, pos = read_varint(buf, pos)
    size, pos = read_varint(buf, pos)
    return offset, size, pos


def read_sstable(data):
    """Returns a list of (key, value) pairs of an SSTable held in memory."""
    if len(data) < FOOTER_LEN:
        raise BundleError("file too short for an SSTable")
    footer = data[len(data) - FOOTER_LEN:]
    magic = struct.unpack_from("<Q", footer, 40)[0]
    if magic != TABLE_MAGIC:
        raise BundleError("bad SSTable magic %x" % magic)
    _, _, pos = _read_handle(footer, 0)  # metaindex handle (unused)
    index_off, index_size, _ = _read_handle(footer, pos)
    entries = []
    for _, handle in _iter_block(_read_block(data, index_off, index_size)):
        off, size, _ = _read_handle(handle, 0)
        entries.extend(_iter_block(_read_block(data, off, size)))
    return entries


# ---------------------------------------------------------------- bundle

class TensorBundle:
    def __init__(self, prefix):
        self.prefix = prefix
        with open(prefix + ".index", "rb") as f:
            data = f.read()
        self.header = None
        self.entries = {}
        for key, value in read_sstable(data):
            if key == b"":
                self.header = dict((f, v) for f, _, v in iter_proto_fields(value))
                continue
            name = key.decode("utf-8")
            self.entries[name] = BundleEntry(name, value)
        num_shards = (self.header or {}).get(1, 1)
        endianness = (self.header or {}).get(2, 0)  # 0 = LITTLE, 1 = BIG
        if endianness != 0:
            raise BundleError("big-endian bundles are not supported")
        self.num_shards = num_shards
        self._shards = {}

    def names(self):
        return sorted(self.entries)

    def __contains__(self, name):
        return name in self.entries

    def _shard(self, shard_id):
        if shard_id not in self._shards:
            path = "%s.data-%05d-of-%05d" % (self.prefix, shard_id, self.num_shards)
            if not os.path.exists(path):
                raise BundleError("missing data shard " + path)
            self._shards[shard_id] = np.memmap(path, dtype=np.uint8, mode="r")
        return self._shards[shard_id]

    def get(self, name, verify_crc_below=1 << 20):
        """Returns the tensor as a numpy array (a copy).

        The crc32c of tensors smaller than verify_crc_below bytes is checked (pure Python,
        so large tensors are skipped by default; pass a larger limit to check everything).
        """
        e = self.entries[name]
        if e.has_slices:
            raise BundleError("sliced (partitioned) tensor %s is not supported" % name)
        if e.dtype == DT_STRING or e.dtype not in DTYPES:
            raise BundleError("unsupported dtype %d for %s" % (e.dtype, name))
        dtype = np.dtype(DTYPES[e.dtype])
        count = 1
        for d in e.shape:
            count *= d
        if count * dtype.itemsize != e.size:
            raise BundleError("size mismatch for %s: shape %s dtype %s but %d bytes"
                              % (name, e.shape, dtype, e.size))
        raw = self._shard(e.shard_id)[e.offset:e.offset + e.size]
        if len(raw) != e.size:
            raise BundleError("tensor %s extends past the end of its shard" % name)
        if e.crc32c is not None and e.size < verify_crc_below:
            if unmask_crc(e.crc32c) != crc32c(bytes(raw)):
                raise BundleError("crc mismatch for tensor " + name)
        return np.frombuffer(bytes(raw), dtype=dtype).reshape(e.shape).astype(dtype.newbyteorder("="))


def main(argv):
    if len(argv) != 2:
        print("usage: tf_bundle.py VARIABLES_PREFIX", file=sys.stderr)
        return 2
    bundle = TensorBundle(argv[1])
    for name in bundle.names():
        e = bundle.entries[name]
        print("%-80s dtype=%-2d %s" % (name, e.dtype, list(e.shape)))
    print("%d tensors" % len(bundle.entries), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
