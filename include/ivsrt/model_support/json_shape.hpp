// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// The JSON layout of the model's structures, as data. The generated ivsrt/model/json.hpp
/// specializes json_shape for every structure with its body members (JSON names and C++
/// members); one generic codec (model_support/detail/json_codec.hpp) encodes and decodes any
/// structure from that. A template, so a program compiles the codec only for the structures it
/// encodes or decodes. (Kept cheap to parse: no std::tuple.)

#include <string>
#include <string_view>

namespace ivsrt::model::detail {

/// The C++ members of a structure's JSON object, as a type: `json_members<&stage::arn, ...>`.
template <auto... Members>
struct json_members {};

/// Specialized for each structure, with its body members in the model's order:
///   static constexpr std::array<std::string_view, N> keys{"arn", ...};  // JSON names
///   using members = json_members<&stage::arn, ...>;                     // the same members
template <class T>
struct json_shape;

template <class T>
concept json_structure = requires {
    typename json_shape<T>::members;
};

template <json_structure T>
void encode(const T& value, std::string& out);

template <json_structure T>
bool decode(std::string_view text, T& out, std::string& error);

}  // namespace ivsrt::model::detail
