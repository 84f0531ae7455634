using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Kuzzle.Realtime.Server.Hosting;

/// <summary>Writes a JSON value as block-style YAML (for <c>server:openapi?format=yaml</c>) with YamlDotNet's emitter.</summary>
public static class YamlWriter
{
    /// <summary>The YAML text of a JSON element. Strings are double-quoted so none reads back as a number, boolean or null.</summary>
    public static string Write(JsonElement element)
    {
        using var text = new StringWriter();
        var emitter = new Emitter(text, new EmitterSettings().WithMaxSimpleKeyLength(int.MaxValue));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, element);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Block));
                foreach (var property in value.EnumerateObject())
                {
                    emitter.Emit(Quoted(property.Name));
                    Emit(emitter, property.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Block));
                foreach (var item in value.EnumerateArray())
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                emitter.Emit(Quoted(value.GetString()!));
                break;
            default:
                // Numbers keep their JSON text; true, false and null are the same words in YAML.
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value.GetRawText(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static Scalar Quoted(string text) =>
        new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true);
}
