// The namespaces of the first release. Every public type now lives in namespace ScoreML; these markers keep each old
// namespace in existence so that code written with, say, `using ScoreML.Trainers;` still compiles unchanged (its types
// resolve through `using ScoreML;`, which every such program has for the MLContext.ScoreMatching() catalog).

namespace ScoreML.Transforms
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Transforms.Persistence
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Transforms.Sampling
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}
