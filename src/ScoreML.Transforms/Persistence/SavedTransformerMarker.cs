using ScoreML.Transforms.Persistence;
using Microsoft.ML.Transforms;

namespace ScoreML;

/// <summary>
/// What stands in for a ScoreML transformer inside an ML.NET model zip. ML.NET's own persistence API is internal to ML.NET,
/// so a ScoreML transformer saves itself as a chain of two public ML.NET transformers: this CustomMapping marker (ML.NET
/// records its contract name and assembly, and on load creates the factory below itself) and a ValueMapping whose lookup
/// table holds the ScoreML package: manifest and weights (<see cref="PackageStorage"/>). ML.NET can load that chain, but
/// only ScoreML can turn it back into a working transformer, so the factory refuses a plain <c>mlContext.Model.Load</c>
/// with a message that names the call to use, rather than hand back a model without its network.
/// </summary>
public static class SavedTransformerMarker
{
    /// <summary>The contract name of the marker's CustomMapping factory, which ML.NET records in the zip.</summary>
    public const string ContractName = "ScoreML.SavedTransformer";

    static readonly AsyncLocal<int> loads = new();

    /// <summary>Marks the calling flow as a ScoreML load until disposed.</summary>
    internal static IDisposable BeginLoad()
    {
        loads.Value++;
        return new LoadScope();
    }

    internal static bool Loading => loads.Value > 0;

    internal const string PlainLoadMessage = "This model zip holds a ScoreML transformer (network weights included) that ML.NET cannot rebuild " +
        "on its own. Load it with mlContext.ScoreMatching().Model.Load(path, out var inputSchema) from ScoreML.Transforms.";

    sealed class LoadScope : IDisposable
    {
        bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            loads.Value--;
        }
    }

    /// <summary>The marker's (empty) input row.</summary>
    public sealed class Input { }

    /// <summary>The marker's output row; ScoreML replaces the marker before any data flows through it.</summary>
    public sealed class Output
    {
        /// <summary>The marker's only output column; never read.</summary>
        public bool ScoreMLMarker { get; set; }
    }

    /// <summary>Created by ML.NET while it loads a zip; see <see cref="SavedTransformerMarker"/>.</summary>
    [CustomMappingFactoryAttribute(ContractName)]
    public sealed class Factory : CustomMappingFactory<Input, Output>
    {
        /// <summary>During a ScoreML load, a mapping that throws if it is ever run (ScoreML replaces the marker first); outside one,
        /// throws <see cref="InvalidOperationException"/> at once, saying to load with <c>mlContext.ScoreMatching().Model.Load</c>.</summary>
        public override Action<Input, Output> GetMapping()
        {
            if (!Loading) throw new InvalidOperationException(PlainLoadMessage);
            return (_, _) => throw new InvalidOperationException(PlainLoadMessage);
        }
    }
}
