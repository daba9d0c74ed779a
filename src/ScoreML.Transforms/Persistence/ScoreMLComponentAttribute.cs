namespace ScoreML;

/// <summary>
/// Names a custom <see cref="Sampler"/>, <see cref="Predictor"/>, <see cref="Corrector"/> or <see cref="GuidanceTerm"/> for saved
/// models, as ML.NET's CustomMappingFactoryAttribute names a custom mapping: a model zip stores this contract name (and the
/// type's settings), and <see cref="ScoreMLRegistry.RegisterAssembly"/> registers every type of an assembly that carries it.
/// Choose a name that stays the same when the type is renamed or moved, e.g. "MyCompany.TinyEuler".
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ScoreMLComponentAttribute : Attribute
{
    /// <param name="contractName">The name saved models store for the type.</param>
    public ScoreMLComponentAttribute(string contractName) => ContractName = contractName;

    /// <summary>The name saved models store for the type, in place of its .NET name.</summary>
    public string ContractName { get; }
}
