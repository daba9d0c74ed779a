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
    public ScoreMLComponentAttribute(string contractName) => ContractName = contractName;

    public string ContractName { get; }
}
