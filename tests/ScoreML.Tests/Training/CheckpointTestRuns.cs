using Microsoft.ML;
using ScoreML.Networks;
using ScoreML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Training;

/// <summary>
/// Small runs of both trainers for the checkpoint tests: two moons (300 rows, labelled), batches of 64 (five a epoch, so
/// checkpoints every 12 steps fall in mid-epoch), a 16x16 MLP. The score model uses EMA and a warm-up that spans the
/// resumed part; the classifier DLSM+CE against a small frozen score model.
/// </summary>
internal static class CheckpointTestRuns
{
    public const int Steps = 50;
    public const int Interval = 12;

    public static MLContext Ml { get; } = new(0);
    static readonly Lazy<IDataView> data = new(() => Ml.ScoreMatching().Data.TwoMoons(300, seed: 1));
    static readonly Lazy<ScoreModelTransformer> frozen = new(() => Ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
    {
        Steps = 30,
        BatchSize = 64,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } },
    }).Fit(data.Value));

    public static IDataView Data => data.Value;

    /// <summary>
    /// The score-model run; with <paramref name="checkpoint"/>, writing one every <paramref name="interval"/> steps; with
    /// <paramref name="resumeFrom"/>, resuming; with <paramref name="crashAt"/>, dying at that step (after its progress report).
    /// </summary>
    public static ScoreModelOptions ScoreOptions(string? checkpoint = null, string? resumeFrom = null, int interval = Interval, int crashAt = 0) => new()
    {
        Steps = Steps,
        BatchSize = 64,
        LearningRate = 3e-3,
        WarmupSteps = 40,
        EmaDecay = 0.99,
        Seed = 1,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } },
        CheckpointPath = checkpoint,
        CheckpointInterval = interval,
        ResumeFrom = resumeFrom,
        ProgressInterval = 1,
        Progress = CrashAt<TrainingProgress>(crashAt, p => p.Step),
    };

    /// <summary>The DLSM+CE classifier run, with the same choices as <see cref="ScoreOptions"/>.</summary>
    public static DlsmClassifierOptions ClassifierOptions(string? checkpoint = null, string? resumeFrom = null, int interval = Interval, int crashAt = 0) => new()
    {
        Loss = ClassifierLoss.DlsmPlusCrossEntropy,
        Steps = Steps,
        BatchSize = 64,
        LearningRate = 3e-3,
        Seed = 3,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 }, ScaleOutputBySigma = false },
        CheckpointPath = checkpoint,
        CheckpointInterval = interval,
        ResumeFrom = resumeFrom,
        ProgressInterval = 1,
        Progress = CrashAt<ClassifierTrainingProgress>(crashAt, p => p.Step),
    };

    static IProgress<T> CrashAt<T>(int crashStep, Func<T, int> stepOf) =>
        Progress<T>(report => { if (stepOf(report) == crashStep) throw new SimulatedCrash(); });

    public static ScoreModelTransformer FitScoreModel(ScoreModelOptions options, IDataView? input = null) =>
        Ml.ScoreMatching().Trainers.ScoreModel(options).Fit(input ?? Data);

    public static NoiseConditionalClassifierTransformer FitClassifier(DlsmClassifierOptions options) =>
        Ml.ScoreMatching().Trainers.DlsmClassifier(frozen.Value.Model, options).Fit(Data);

    /// <summary>Every parameter and buffer equal (torch.equal), to the bit.</summary>
    public static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        CollectionAssert.AreEqual(a.Keys.ToArray(), b.Keys.ToArray());
        foreach (var (name, tensor) in a)
        {
            using var same = torch.equal(tensor, b[name]).all();   // TorchSharp's torch.equal is elementwise
            CollectionAssert.AreEqual(tensor.shape, b[name].shape, $"shape of '{name}'");
            Assert.IsTrue(same.item<bool>(), $"tensor '{name}' differs");
            Assert.IsTrue(tensor.bytes.SequenceEqual(b[name].bytes), $"tensor '{name}' differs in its bits");
        }
    }

    /// <summary>The steps done that a checkpoint records (after its format name).</summary>
    public static int StepOf(string checkpoint)
    {
        using var reader = new BinaryReader(File.OpenRead(checkpoint));
        reader.ReadString();
        return reader.ReadInt32();
    }

    /// <summary>The ML.NET log's messages while <paramref name="action"/> runs.</summary>
    public static List<string> Logged(Action action)
    {
        var messages = new List<string>();
        void Record(object? sender, LoggingEventArgs e) => messages.Add(e.Message);
        Ml.Log += Record;
        try
        {
            action();
        }
        finally
        {
            Ml.Log -= Record;
        }
        return messages;
    }

    /// <summary>A progress sink that calls back synchronously.</summary>
    public static IProgress<T> Progress<T>(Action<T> report) => new SynchronousProgress<T>(report);

    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>Stands for a process that dies in the middle of training.</summary>
internal sealed class SimulatedCrash : Exception
{
}

/// <summary>A fresh folder under the temporary folder, deleted afterwards.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"scoreml-checkpoints-{Guid.NewGuid():N}");

    public TemporaryFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Passes bytes on to a stream and keeps a copy of them; given <c>failAfter</c>, fails like a full disk after that many.</summary>
internal sealed class TappedStream(Stream inner, long failAfter = long.MaxValue) : Stream
{
    public MemoryStream Copy { get; } = new();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Copy.Length + buffer.Length > failAfter) throw new IOException("No space left on device (simulated).");
        inner.Write(buffer);
        Copy.Write(buffer);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Copy.Length; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
