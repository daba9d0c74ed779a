// The namespaces of the first release. Every public type now lives in namespace ScoreML; these markers keep each old
// namespace in existence so that code written with, say, `using ScoreML.Trainers;` still compiles unchanged (its types
// resolve through `using ScoreML;`, which every such program has for the MLContext.ScoreMatching() catalog).

namespace ScoreML.Data
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Networks
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Persistence
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Runtime
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Scores
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Sde
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}

namespace ScoreML.Torch
{
    /// <summary>Marks a namespace of the first release; its types are now in namespace <c>ScoreML</c>.</summary>
    [Obsolete("The types of this namespace moved to namespace ScoreML: replace this using with `using ScoreML;`.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static class MovedToScoreMLNamespace
    {
    }
}
