// Usings of the first release, when public types lived in sub-namespaces: they must still compile.
using ScoreML.Data;
using ScoreML.Evaluation;
using ScoreML.Evaluation.Features;
using ScoreML.Evaluation.Likelihood;
using ScoreML.Evaluation.Metrics;
using ScoreML.Images;
using ScoreML.Images.Pictures;
using ScoreML.Images.Readers;
using ScoreML.Networks;
using ScoreML.Persistence;
using ScoreML.Runtime;
using ScoreML.Scores;
using ScoreML.Sde;
using ScoreML.Torch;
using ScoreML.Trainers;
using ScoreML.Trainers.Classification;
using ScoreML.Trainers.Objectives;
using ScoreML.Trainers.Training;
using ScoreML.Transforms;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Options;

/// <summary>
/// A program of the first release, with its sub-namespace usings, compiles against this one (this file is it) and every old
/// namespace still names a marker that says where its types went.
/// </summary>
[TestClass]
public sealed class FirstReleaseNamespaceTests
{
    [TestMethod]
    public void EveryFirstReleaseNamespaceStillExistsAndSaysWhereItsTypesWent()
    {
        var markers = new[] { typeof(ScoreModel), typeof(ScoreModelEstimator), typeof(ScoreModelTransformer), typeof(GenerativeMetrics), typeof(LabelledImages) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetExportedTypes()).Where(t => t.Name == "MovedToScoreMLNamespace").ToList();
        Assert.HasCount(21, markers);
        foreach (var marker in markers)
        {
            var obsolete = (ObsoleteAttribute?)Attribute.GetCustomAttribute(marker, typeof(ObsoleteAttribute));
            Assert.IsNotNull(obsolete, marker.FullName);
            StringAssert.Contains(obsolete.Message, "using ScoreML;");
        }
        // The first release's types, named as a program of the time named them.
        var options = new ScoreModelOptions { Objective = Objective.Dsm, Sampler = new SamplerOptions { Kind = SamplerKind.PredictorCorrector } };
        Assert.AreEqual(SdeKind.VarianceExploding, options.Sde.Kind);
    }
}
