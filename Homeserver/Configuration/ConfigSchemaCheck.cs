using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>
/// Walks the loaded configuration against the config classes before binding, so that an unknown key or a value
/// of the wrong type is reported with its full YAML path (<c>registration.enable_registration</c>) instead of
/// being ignored or failing later with a binder message.
/// </summary>
internal static class ConfigSchemaCheck
{
    public static void Check(IConfiguration root, Type type, List<string> errors) => CheckObject(root, type, "", errors);

    private static void CheckObject(IConfiguration section, Type type, string prefix, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            var path = prefix + child.Key;
            var property = FindProperty(type, child.Key);
            if (property is null)
            {
                errors.Add($"{path}: unknown key");
                continue;
            }
            CheckValue(child, property.PropertyType, path, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, List<string> errors)
    {
        var hasChildren = section.GetChildren().Any();
        var scalar = Nullable.GetUnderlyingType(type) ?? type;

        if (IsScalar(scalar))
        {
            if (hasChildren)
            {
                errors.Add($"{path}: expected a single value, found a section");
            }
            else if (!string.IsNullOrEmpty(section.Value) && !Converts(scalar, section.Value))
            {
                errors.Add($"{path}: '{section.Value}' is not a valid {Describe(scalar)}");
            }
            return;
        }

        if (TryGetListElement(type, out var element))
        {
            if (!hasChildren && !string.IsNullOrEmpty(section.Value))
            {
                errors.Add($"{path}: expected a list");
                return;
            }
            foreach (var item in section.GetChildren())
            {
                if (!int.TryParse(item.Key, out _)) errors.Add($"{path}: expected a list, found key '{item.Key}'");
                else CheckValue(item, element, $"{path}[{item.Key}]", errors);
            }
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var valueType = type.GetGenericArguments()[1];
            foreach (var item in section.GetChildren()) CheckValue(item, valueType, $"{path}.{item.Key}", errors);
            return;
        }

        if (!hasChildren && !string.IsNullOrEmpty(section.Value))
        {
            errors.Add($"{path}: expected a section with keys, found a single value");
            return;
        }
        CheckObject(section, type, path + ".", errors);
    }

    private static PropertyInfo? FindProperty(Type type, string key) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .FirstOrDefault(p => string.Equals(p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, key,
                StringComparison.OrdinalIgnoreCase));

    private static bool IsScalar(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    private static bool TryGetListElement(Type type, out Type element)
    {
        element = typeof(object);
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType) return false;
        if (type.GetGenericTypeDefinition() != typeof(List<>)) return false;
        element = type.GetGenericArguments()[0];
        return true;
    }

    private static bool Converts(Type type, string value)
    {
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: true, out _);
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "boolean (true or false)",
        _ when type == typeof(int) || type == typeof(long) => "whole number",
        _ when type == typeof(double) => "number",
        _ when type.IsEnum => "value; one of " + string.Join(", ", Enum.GetNames(type)),
        _ => type.Name,
    };
}
