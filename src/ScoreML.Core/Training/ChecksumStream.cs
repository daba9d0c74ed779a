using System.Security.Cryptography;

namespace ScoreML.Training;

/// <summary>
/// A forward-only stream that passes bytes through to another and keeps a SHA-256 of every byte read or written, so a
/// checkpoint can end with the checksum of what came before it and a reader can tell a damaged file from a good one
/// without a second pass over a file that may be hundreds of megabytes.
/// </summary>
internal sealed class ChecksumStream : Stream
{
    readonly Stream inner;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long position;

    public ChecksumStream(Stream inner) => this.inner = inner;

    public const int ChecksumLength = 32;

    /// <summary>The SHA-256 of the bytes that have passed so far.</summary>
    public byte[] Checksum() => hash.GetCurrentHash();

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        hash.AppendData(buffer[..read]);
        position += read;
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        hash.AppendData(buffer);
        position += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // The inner stream belongs to the caller.
    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
