using Microsoft.ML;

namespace ScoreML.Tests.Conformance;

/// <summary>
/// One estimator/transformer pair of the library as the conformance tests drive it, through the public catalog only: how to
/// fit it on training data and what a fitted transformer reads. A subject without an estimator (the conditional sampler, which
/// a fitted classifier makes) still has a <see cref="Fit"/> that trains what it comes from.
/// </summary>
/// <param name="Name">What the test output calls it.</param>
/// <param name="TrainingData">Rows to train on, from a fresh MLContext (so that the same seed gives the same data).</param>
/// <param name="Estimator">The estimator whose GetOutputSchema is checked against its fitted transformer, or null.</param>
/// <param name="Fit">Trains through the public API and returns the transformer under test.</param>
/// <param name="Input">What the fitted transformer reads: generation requests, or rows to classify.</param>
/// <param name="ColumnsAdded">The columns the transformer adds, whose values are compared.</param>
/// <param name="InputColumn">The column an empty training set's error must name.</param>
/// <param name="RequiredInput">The column the fitted transformer reads from its input, or null when it reads none.</param>
public sealed record ConformanceSubject(
    string Name,
    Func<MLContext, IDataView> TrainingData,
    Func<MLContext, IEstimator<ITransformer>?> Estimator,
    Func<MLContext, IDataView, ITransformer> Fit,
    Func<MLContext, IDataView, int, IDataView> Input,
    string[] ColumnsAdded,
    string InputColumn,
    string? RequiredInput)
{
    public override string ToString() => Name;
}
