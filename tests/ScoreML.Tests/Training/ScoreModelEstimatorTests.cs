using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;
using ScoreML.Training;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Training;

[TestClass]
public sealed class ScoreModelEstimatorTests
{
    static ScoreModelOptions Small(int seed = 1) => new()
    {
        Steps = 60,
        BatchSize = 64,
        Seed = seed,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } },
        Sampler = new SamplerOptions { Steps = 20, BatchSize = 10, Seed = 5 },
    };

    static float[] GeneratedValues(IDataView view, string column = "Generated") =>
        view.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray();

    [TestMethod]
    public void TheSameSeedGivesTheSameModelAndTheSameSamples()
    {
        var ml = new MLContext(0);
        var data = ml.ScoreMatching().Data.TwoMoons(300, seed: 1);
        var requests = ml.ScoreMatching().Data.Requests(25);
        float[] Run(int seed)
        {
            using var model = ml.ScoreMatching().Trainers.ScoreModel(Small(seed)).Fit(data);
            return GeneratedValues(model.Transform(requests));
        }
        float[] first = Run(1);
        Assert.HasCount(50, first);
        CollectionAssert.AreEqual(first, Run(1), "same seed, same samples");
        CollectionAssert.AreNotEqual(first, Run(2), "another seed, other samples");
    }

    /// <summary>Samples are drawn in batches as a cursor reads them; reading again, or through Generate, gives the same values.</summary>
    [TestMethod]
    public void GeneratedColumnIsStableAcrossReadsAndMatchesGenerate()
    {
        var ml = new MLContext(0);
        using var model = ml.ScoreMatching().Trainers.ScoreModel(Small()).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 1));
        var view = model.Transform(ml.ScoreMatching().Data.Requests(25));   // 25 rows in batches of 10: 10, 10, 5
        float[] once = GeneratedValues(view);
        CollectionAssert.AreEqual(once, GeneratedValues(view));
        CollectionAssert.AreEqual(once, model.Generate(25));
        Assert.IsTrue(once.All(float.IsFinite));
        CollectionAssert.AreEqual(Enumerable.Range(0, 25).ToArray(), view.GetColumn<int>("RequestId").ToArray(), "input columns pass through");

        var otherSeed = model.WithSampler(new SamplerOptions { Steps = 20, BatchSize = 10, Seed = 6 });
        CollectionAssert.AreNotEqual(once, otherSeed.Generate(25));
    }

    /// <summary>A cursor that reads the column on a few rows only: batches nobody read are skipped, not sampled, and the values agree.</summary>
    [TestMethod]
    public void ReadingSomeRowsOnlyGivesTheSameValues()
    {
        var ml = new MLContext(0);
        using var model = ml.ScoreMatching().Trainers.ScoreModel(Small()).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 1));
        float[] all = model.Generate(25);
        var view = model.Transform(ml.ScoreMatching().Data.Requests(25));
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Generated"]);
        VBuffer<float> value = default;
        foreach (int row in new[] { 3, 22 })
        {
            while (cursor.Position < row) cursor.MoveNext();
            getter(ref value);
            CollectionAssert.AreEqual(all.AsSpan(row * 2, 2).ToArray(), value.DenseValues().ToArray(), $"row {row}");
        }
    }

    [TestMethod]
    public void WorksAsAStepOfAnMlNetPipeline()
    {
        var ml = new MLContext(0);
        var points = Enumerable.Range(0, 200).Select(i => new PointRow { X = MathF.Cos(i), Y = MathF.Sin(i) }).ToList();
        var data = ml.Data.LoadFromEnumerable(points);
        var plain = ml.Transforms.Concatenate("Features", nameof(PointRow.X), nameof(PointRow.Y))
            .Append(ml.ScoreMatching().Trainers.ScoreModel(Small()));
        // By default the data rows run through the fitted chain unchanged: no unconditional sample on every row.
        Assert.IsFalse(plain.GetOutputSchema(TestData.Shape(data.Schema)).Any(c => c.Name == "Generated"), "no Generated column on data rows");
        var plainFit = plain.Fit(data);
        Assert.IsNull(plainFit.Transform(data).Schema.GetColumnOrNull("Generated"), "the fitted chain adds no Generated column to data rows");
        var requests = plainFit.LastTransformer.Transform(ml.ScoreMatching().Data.Requests(7));
        Assert.HasCount(14, GeneratedValues(requests), "requests still get their samples");
        (plainFit.LastTransformer as IDisposable)?.Dispose();

        // Asked for, every data row gets one.
        var options = Small();
        options.GenerateForDataRows = true;
        var pipeline = ml.Transforms.Concatenate("Features", nameof(PointRow.X), nameof(PointRow.Y))
            .Append(ml.ScoreMatching().Trainers.ScoreModel(options));

        var shape = pipeline.GetOutputSchema(TestData.Shape(data.Schema));
        var column = shape.Single(c => c.Name == "Generated");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.AreEqual(NumberDataViewType.Single, column.ItemType);

        var fitted = pipeline.Fit(data);
        var output = fitted.Transform(data);
        var generatedType = (VectorDataViewType)output.Schema["Generated"].Type;
        Assert.AreEqual(2, generatedType.Size);
        Assert.HasCount(400, GeneratedValues(output));
        (fitted.LastTransformer as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void ReportsProgressAndLogsAndWritesACheckpoint()
    {
        var ml = new MLContext(0);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var progress = new RecordingProgress();
        string directory = Path.Combine(Path.GetTempPath(), $"scoreml-checkpoint-{Guid.NewGuid():N}");
        string checkpoint = Path.Combine(directory, "model.ckpt");
        try
        {
            var options = Small();
            options.Progress = progress;
            options.ProgressInterval = 25;
            options.CheckpointPath = checkpoint;
            options.CheckpointInterval = 40;
            using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 1));

            CollectionAssert.AreEqual(new[] { 25, 50, 60 }, progress.Reports.Select(r => r.Step).ToArray());
            Assert.IsTrue(progress.Reports.All(r => r.TotalSteps == 60 && float.IsFinite(r.Loss) && r.StepsPerSecond > 0));
            Assert.IsTrue(messages.Any(m => m.Contains("Training Dsm on 300 rows of 2 values for 60 steps")), string.Join("\n", messages));

            Assert.IsTrue(File.Exists(checkpoint));
            Assert.IsFalse(File.Exists(checkpoint + ".tmp"), "the temporary file is renamed, not left behind");
            using var reader = new BinaryReader(File.OpenRead(checkpoint));
            Assert.AreEqual("ScoreML.ScoreModelCheckpoint.v1", reader.ReadString());
            Assert.AreEqual(60, reader.ReadInt32(), "the last checkpoint is written at the final step");

            var summary = model.Model.Training!;
            Assert.HasCount(60, summary.Losses);
            Assert.IsGreaterThan(0, summary.MedianStepMilliseconds());
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void EpochsTakeOneStepPerBatchOfTheData()
    {
        var ml = new MLContext(0);
        var options = Small();
        options.Steps = null;
        options.Epochs = 3;
        options.BatchSize = 128;   // 300 rows: batches of 128, 128, 44
        using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 1));
        Assert.HasCount(9, model.Model.Training!.Losses);
    }

    [TestMethod]
    public void DataDerivedSigmaMaxIsTheLargestPairwiseDistance()
    {
        var ml = new MLContext(0);
        float[] corners = { 0, 0, 3, 0, 0, 4, 3, 4, 1, 1 };
        var options = Small();
        options.Steps = 1;
        using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(TestData.Vectors(ml, corners, 2));
        Assert.AreEqual(5.0, ((ScoreML.VeSde)model.Model.Sde).SigmaMax, 1e-5);
    }

    public sealed class PointRow
    {
        public float X { get; set; }
        public float Y { get; set; }
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to a thread pool).</summary>
    internal sealed class RecordingProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();
        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}
