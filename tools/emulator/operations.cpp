// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// Handlers of the resources: stages, encoder, storage and ingest configurations, compositions,
// public keys and tags. (Participants, sessions and tokens: participants.cpp.)

#include "list.hpp"
#include "service.hpp"

#include <algorithm>

namespace ivsrt::emulator::detail {

namespace {

template <class Map>
auto& find_or_404(Map& map, std::string_view what, std::string_view arn) {
    auto it = map.find(arn);
    if (it == map.end()) throw_not_found(what, arn);
    return it->second;
}

template <class Map, class Filter>
auto select(Map& map, Filter keep) {
    std::vector<const typename Map::mapped_type*> items;
    for (const auto& [arn, item] : map) {
        if (keep(item)) items.push_back(&item);
    }
    return items;
}

constexpr auto all = [](const auto&) { return true; };

bool is_running(const model::composition& c) {
    return c.state == model::composition_state::starting ||
           c.state == model::composition_state::active;
}

// Compositions reach their next state the first time they are looked at after a change.
void settle(model::composition& c, model::timestamp now) {
    if (c.state == model::composition_state::starting) {
        c.state = model::composition_state::active;
        for (auto& d : c.destinations) d.state = model::destination_state::active;
    } else if (c.state == model::composition_state::stopping) {
        c.state = model::composition_state::stopped;
        for (auto& d : c.destinations) {
            d.state = model::destination_state::stopped;
            d.end_time = now;
        }
    }
}

}  // namespace

// ---- stages ----------------------------------------------------------------------------------

void service::run(const model::create_stage_request& request, model::create_stage_result& result) {
    if (const auto& rec = request.auto_participant_recording_configuration;
        rec && !rec->storage_configuration_arn.empty()) {
        find_or_404(storage_configurations, "storage configuration",
                    rec->storage_configuration_arn);
    }
    const std::string id = make_id(12);
    stage_record record;
    model::stage& s = record.stage;
    s.arn = make_arn("stage", id);
    s.name = request.name.value_or("");
    s.tags = request.tags.value_or(std::map<std::string, std::string>{});
    s.auto_participant_recording_configuration = request.auto_participant_recording_configuration;
    s.endpoints = model::stage_endpoints{
        .events = "wss://global.events.live-video.net",
        .whip = "https://" + id + ".global-bm.whip.live-video.net",
        .rtmp = "rtmp://" + id + ".global-contribute-staging.live-video.net/app/",
        .rtmps = "rtmps://" + id + ".global-contribute-staging.live-video.net:443/app/",
    };
    result.stage = s;
    const std::string arn = s.arn;
    stages.emplace(arn, std::move(record));
    if (request.participant_token_configurations) {
        std::vector<model::participant_token> tokens;
        for (const auto& config : *request.participant_token_configurations) {
            tokens.push_back(issue_token(arn, config));
        }
        result.participant_tokens = std::move(tokens);
    }
}

void service::run(const model::get_stage_request& request, model::get_stage_result& result) {
    result.stage = stage(request.arn).stage;
}

void service::run(const model::update_stage_request& request, model::update_stage_result& result) {
    stage_record& record = stage(request.arn);
    if (const auto& rec = request.auto_participant_recording_configuration;
        rec && !rec->storage_configuration_arn.empty()) {
        find_or_404(storage_configurations, "storage configuration",
                    rec->storage_configuration_arn);
    }
    if (request.name) record.stage.name = request.name;
    if (request.auto_participant_recording_configuration) {
        if (record.active()) {
            throw_conflict("the recording configuration of stage " + request.arn +
                           " cannot change while it has an active session");
        }
        record.stage.auto_participant_recording_configuration =
            request.auto_participant_recording_configuration;
    }
    result.stage = record.stage;
}

void service::run(const model::delete_stage_request& request, model::delete_stage_result&) {
    stage_record& record = stage(request.arn);
    if (record.active()) {
        throw_conflict("stage " + request.arn +
                       " has an active session: disconnect its participants first");
    }
    stages.erase(stages.find(request.arn));
}

void service::run(const model::list_stages_request& request, model::list_stages_result& result) {
    result.next_token =
        fill_page(*this, "stages", request, 50, select(stages, all), result.stages,
                  [](const stage_record& r) {
                      return model::stage_summary{.arn = r.stage.arn,
                                                  .name = r.stage.name,
                                                  .active_session_id = r.stage.active_session_id,
                                                  .tags = r.stage.tags};
                  });
}

// ---- encoder configurations ------------------------------------------------------------------

void service::run(const model::create_encoder_configuration_request& request,
                  model::create_encoder_configuration_result& result) {
    model::encoder_configuration c;
    c.arn = make_arn("encoder-configuration", make_id(12));
    c.name = request.name.value_or("");
    const model::video video = request.video.value_or(model::video{});
    c.video = model::video{.width = video.width.value_or(1280),
                           .height = video.height.value_or(720),
                           .framerate = video.framerate.value_or(30),
                           .bitrate = video.bitrate.value_or(2500000)};
    c.tags = request.tags.value_or(std::map<std::string, std::string>{});
    result.encoder_configuration = c;
    encoder_configurations.emplace(c.arn, std::move(c));
}

void service::run(const model::get_encoder_configuration_request& request,
                  model::get_encoder_configuration_result& result) {
    result.encoder_configuration =
        find_or_404(encoder_configurations, "encoder configuration", request.arn);
}

void service::run(const model::delete_encoder_configuration_request& request,
                  model::delete_encoder_configuration_result&) {
    find_or_404(encoder_configurations, "encoder configuration", request.arn);
    for (const auto& [arn, c] : compositions) {
        if (!is_running(c)) continue;
        for (const auto& d : c.destinations) {
            const auto& conf = d.configuration;
            const bool used =
                (conf.channel && conf.channel->encoder_configuration_arn == request.arn) ||
                (conf.s3 && std::ranges::count(conf.s3->encoder_configuration_arns, request.arn));
            if (used) {
                throw_conflict("encoder configuration " + request.arn +
                               " is used by the running composition " + arn);
            }
        }
    }
    encoder_configurations.erase(encoder_configurations.find(request.arn));
}

void service::run(const model::list_encoder_configurations_request& request,
                  model::list_encoder_configurations_result& result) {
    result.next_token = fill_page(
        *this, "encoder-configurations", request, 100, select(encoder_configurations, all),
        result.encoder_configurations, [](const model::encoder_configuration& c) {
            return model::encoder_configuration_summary{
                .arn = c.arn, .name = c.name, .tags = c.tags};
        });
}

// ---- storage configurations ------------------------------------------------------------------

void service::run(const model::create_storage_configuration_request& request,
                  model::create_storage_configuration_result& result) {
    model::storage_configuration c;
    c.arn = make_arn("storage-configuration", make_id(12));
    c.name = request.name.value_or("");
    c.s3 = request.s3;
    c.tags = request.tags.value_or(std::map<std::string, std::string>{});
    result.storage_configuration = c;
    storage_configurations.emplace(c.arn, std::move(c));
}

void service::run(const model::get_storage_configuration_request& request,
                  model::get_storage_configuration_result& result) {
    result.storage_configuration =
        find_or_404(storage_configurations, "storage configuration", request.arn);
}

void service::run(const model::delete_storage_configuration_request& request,
                  model::delete_storage_configuration_result&) {
    find_or_404(storage_configurations, "storage configuration", request.arn);
    for (const auto& [arn, r] : stages) {
        const auto& rec = r.stage.auto_participant_recording_configuration;
        if (rec && rec->storage_configuration_arn == request.arn) {
            throw_conflict("storage configuration " + request.arn +
                           " is used for participant recording by stage " + arn);
        }
    }
    for (const auto& [arn, c] : compositions) {
        if (!is_running(c)) continue;
        for (const auto& d : c.destinations) {
            if (d.configuration.s3 &&
                d.configuration.s3->storage_configuration_arn == request.arn) {
                throw_conflict("storage configuration " + request.arn +
                               " is used by the running composition " + arn);
            }
        }
    }
    storage_configurations.erase(storage_configurations.find(request.arn));
}

void service::run(const model::list_storage_configurations_request& request,
                  model::list_storage_configurations_result& result) {
    result.next_token = fill_page(
        *this, "storage-configurations", request, 100, select(storage_configurations, all),
        result.storage_configurations, [](const model::storage_configuration& c) {
            return model::storage_configuration_summary{
                .arn = c.arn, .name = c.name, .s3 = c.s3, .tags = c.tags};
        });
}

// ---- ingest configurations -------------------------------------------------------------------

void service::run(const model::create_ingest_configuration_request& request,
                  model::create_ingest_configuration_result& result) {
    const std::string stage_arn = request.stage_arn.value_or("");
    if (!stage_arn.empty()) stage(stage_arn);
    const std::string id = make_id(12);
    auto stream_key = [&] {
        return "rt_" + opts.account_id + "_" + opts.region + "_" + id + "_" + make_id(36);
    };
    model::ingest_configuration c;
    c.arn = make_arn("ingest-configuration", id);
    c.name = request.name.value_or("");
    c.ingest_protocol = request.ingest_protocol;
    c.stream_key = stream_key();
    c.stage_arn = stage_arn;
    c.participant_id = make_id(12);
    c.state = model::ingest_configuration_state::inactive;
    c.user_id = request.user_id;
    c.redundant_ingest = request.redundant_ingest.value_or(false);
    if (*c.redundant_ingest) {
        std::vector<model::redundant_ingest_credential> credentials;
        for (int i = 0; i < 2; ++i) {
            credentials.push_back({.participant_id = make_id(12), .stream_key = stream_key()});
        }
        c.redundant_ingest_credentials = std::move(credentials);
    }
    c.attributes = request.attributes.value_or(std::map<std::string, std::string>{});
    c.tags = request.tags.value_or(std::map<std::string, std::string>{});
    result.ingest_configuration = c;
    ingest_configurations.emplace(c.arn, std::move(c));
}

void service::run(const model::get_ingest_configuration_request& request,
                  model::get_ingest_configuration_result& result) {
    result.ingest_configuration =
        find_or_404(ingest_configurations, "ingest configuration", request.arn);
}

void service::run(const model::update_ingest_configuration_request& request,
                  model::update_ingest_configuration_result& result) {
    auto& c = find_or_404(ingest_configurations, "ingest configuration", request.arn);
    if (request.stage_arn && !request.stage_arn->empty()) stage(*request.stage_arn);
    if (c.state == model::ingest_configuration_state::active) {
        throw_conflict("ingest configuration " + request.arn + " is active");
    }
    if (request.stage_arn) c.stage_arn = *request.stage_arn;
    if (request.redundant_ingest) c.redundant_ingest = request.redundant_ingest;
    result.ingest_configuration = c;
}

void service::run(const model::delete_ingest_configuration_request& request,
                  model::delete_ingest_configuration_result&) {
    auto& c = find_or_404(ingest_configurations, "ingest configuration", request.arn);
    if (c.state == model::ingest_configuration_state::active && !request.force.value_or(false)) {
        throw_conflict("ingest configuration " + request.arn +
                       " is active: set force to delete it anyway");
    }
    if (c.state == model::ingest_configuration_state::active) ingest(c.stream_key, false);
    ingest_configurations.erase(ingest_configurations.find(request.arn));
}

void service::run(const model::list_ingest_configurations_request& request,
                  model::list_ingest_configurations_result& result) {
    const auto items = select(ingest_configurations, [&](const model::ingest_configuration& c) {
        return (!request.filter_by_stage_arn || c.stage_arn == *request.filter_by_stage_arn) &&
               (!request.filter_by_state || c.state == *request.filter_by_state);
    });
    result.next_token = fill_page(
        *this, "ingest-configurations", request, 50, items, result.ingest_configurations,
        [](const model::ingest_configuration& c) {
            return model::ingest_configuration_summary{.name = c.name,
                                                       .arn = c.arn,
                                                       .ingest_protocol = c.ingest_protocol,
                                                       .stage_arn = c.stage_arn,
                                                       .participant_id = c.participant_id,
                                                       .state = c.state,
                                                       .user_id = c.user_id,
                                                       .redundant_ingest = c.redundant_ingest};
        });
}

// ---- compositions ----------------------------------------------------------------------------

void service::run(const model::start_composition_request& request,
                  model::start_composition_result& result) {
    if (request.idempotency_token) {
        for (auto& [arn, c] : compositions) {
            if (c.stage_arn == request.stage_arn &&
                composition_tokens[arn] == *request.idempotency_token) {
                result.composition = c;
                return;
            }
        }
    }
    stage(request.stage_arn);
    const std::string id = make_id(12);
    const model::timestamp now = now_ms();
    model::composition c;
    c.arn = make_arn("composition", id);
    c.stage_arn = request.stage_arn;
    c.state = model::composition_state::starting;
    c.layout =
        request.layout.value_or(model::layout_configuration{.grid = model::grid_configuration{}});
    for (const auto& config : request.destinations) {
        if (config.channel && config.channel->encoder_configuration_arn) {
            find_or_404(encoder_configurations, "encoder configuration",
                        *config.channel->encoder_configuration_arn);
        }
        model::destination d{.id = make_id(12),
                             .state = model::destination_state::starting,
                             .start_time = now,
                             .configuration = config};
        if (config.s3) {
            find_or_404(storage_configurations, "storage configuration",
                        config.s3->storage_configuration_arn);
            for (const auto& arn : config.s3->encoder_configuration_arns) {
                find_or_404(encoder_configurations, "encoder configuration", arn);
            }
            d.detail = model::destination_detail{
                .s3 = model::s3_detail{.recording_prefix = id + "/" + d.id}};
        }
        c.destinations.push_back(std::move(d));
    }
    c.tags = request.tags.value_or(std::map<std::string, std::string>{});
    c.start_time = now;
    result.composition = c;
    if (request.idempotency_token) composition_tokens[c.arn] = *request.idempotency_token;
    compositions.emplace(c.arn, std::move(c));
}

void service::run(const model::get_composition_request& request,
                  model::get_composition_result& result) {
    auto& c = find_or_404(compositions, "composition", request.arn);
    settle(c, now_ms());
    result.composition = c;
}

void service::run(const model::stop_composition_request& request, model::stop_composition_result&) {
    auto& c = find_or_404(compositions, "composition", request.arn);
    if (!is_running(c)) return;  // stopping an ended composition changes nothing
    c.state = model::composition_state::stopping;
    for (auto& d : c.destinations) d.state = model::destination_state::stopping;
    c.end_time = now_ms();
}

void service::run(const model::list_compositions_request& request,
                  model::list_compositions_result& result) {
    const model::timestamp now = now_ms();
    for (auto& [arn, c] : compositions) settle(c, now);
    const auto items = select(compositions, [&](const model::composition& c) {
        if (request.filter_by_stage_arn && c.stage_arn != *request.filter_by_stage_arn)
            return false;
        if (!request.filter_by_encoder_configuration_arn) return true;
        const std::string& wanted = *request.filter_by_encoder_configuration_arn;
        return std::ranges::any_of(c.destinations, [&](const model::destination& d) {
            const auto& conf = d.configuration;
            return (conf.channel && conf.channel->encoder_configuration_arn == wanted) ||
                   (conf.s3 && std::ranges::count(conf.s3->encoder_configuration_arns, wanted));
        });
    });
    result.next_token = fill_page(*this, "compositions", request, 100, items, result.compositions,
                                  [](const model::composition& c) {
                                      model::composition_summary s{.arn = c.arn,
                                                                   .stage_arn = c.stage_arn,
                                                                   .state = c.state,
                                                                   .tags = c.tags,
                                                                   .start_time = c.start_time,
                                                                   .end_time = c.end_time};
                                      for (const auto& d : c.destinations) {
                                          s.destinations.push_back({.id = d.id,
                                                                    .state = d.state,
                                                                    .start_time = d.start_time,
                                                                    .end_time = d.end_time});
                                      }
                                      return s;
                                  });
}

// ---- public keys -----------------------------------------------------------------------------

void service::run(const model::import_public_key_request& request,
                  model::import_public_key_result& result) {
    std::optional<ivsrt::detail::es384_public_key> key;
    try {
        key.emplace(request.public_key_material);
    } catch (const std::invalid_argument& e) {
        throw_validation(std::string("import_public_key.public_key_material: ") + e.what());
    }
    const std::string fingerprint = key->fingerprint();
    for (const auto& [arn, k] : public_keys) {
        if (k.key.fingerprint == fingerprint) {
            throw_conflict("this public key is already imported as " + arn);
        }
    }
    public_key_record record{.key = {}, .pkey = std::move(*key)};
    record.key.arn = make_arn("public-key", make_id(12));
    record.key.name = request.name.value_or("");
    record.key.public_key_material = request.public_key_material;
    record.key.fingerprint = fingerprint;
    record.key.tags = request.tags.value_or(std::map<std::string, std::string>{});
    result.public_key = record.key;
    const std::string arn = *record.key.arn;
    public_keys.emplace(arn, std::move(record));
}

void service::run(const model::get_public_key_request& request,
                  model::get_public_key_result& result) {
    result.public_key = find_or_404(public_keys, "public key", request.arn).key;
}

void service::run(const model::delete_public_key_request& request,
                  model::delete_public_key_result&) {
    find_or_404(public_keys, "public key", request.arn);
    for (auto& [arn, s] : stages) {
        session_record* session = s.active();
        if (!session) continue;
        for (const auto& p : session->participants) {
            if (p.key_arn == request.arn && p.info.state == model::participant_state::connected) {
                throw_conflict("public key " + request.arn + " is in use by participant " +
                               p.info.participant_id.value_or("") + " of stage " + arn);
            }
        }
    }
    public_keys.erase(public_keys.find(request.arn));
}

void service::run(const model::list_public_keys_request& request,
                  model::list_public_keys_result& result) {
    result.next_token = fill_page(*this, "public-keys", request, 50, select(public_keys, all),
                                  result.public_keys, [](const public_key_record& r) {
                                      return model::public_key_summary{
                                          .arn = r.key.arn, .name = r.key.name, .tags = r.key.tags};
                                  });
}

// ---- tags ------------------------------------------------------------------------------------

namespace {

std::map<std::string, std::string>& tags_or_404(service& s, const std::string& arn) {
    auto* tags = s.tags_of(arn);
    if (!tags) throw_not_found("resource", arn);
    if (!*tags) tags->emplace();
    return **tags;
}

}  // namespace

void service::run(const model::tag_resource_request& request, model::tag_resource_result&) {
    auto& tags = tags_or_404(*this, request.resource_arn);
    auto merged = tags;
    for (const auto& [k, v] : request.tags) merged.insert_or_assign(k, v);
    if (merged.size() > 50) {
        throw_validation("tag_resource.tags: a resource can have at most 50 tags");
    }
    tags = std::move(merged);
}

void service::run(const model::untag_resource_request& request, model::untag_resource_result&) {
    auto& tags = tags_or_404(*this, request.resource_arn);
    for (const auto& key : request.tag_keys) tags.erase(key);
}

void service::run(const model::list_tags_for_resource_request& request,
                  model::list_tags_for_resource_result& result) {
    result.tags = tags_or_404(*this, request.resource_arn);
}

}  // namespace ivsrt::emulator::detail
