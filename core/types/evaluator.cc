#include "core/types/evaluator.h"

#include <vector>

#include "core/types/core_function.h"
#include "core/types/core_module.h"
#include "core/types/snapshot_store.h"

namespace host {

template <class T>
Result<T> Evaluator::Once(Memo<T>* memo, const std::string& id,
                          const std::function<Result<T>()>& compute) {
  std::promise<Result<T>> promise;
  std::shared_future<Result<T>> future;
  bool owner = false;
  {
    std::lock_guard lock(mutex_);
    auto it = memo->find(id);
    if (it == memo->end()) {
      future = promise.get_future().share();
      memo->emplace(id, future);
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) promise.set_value(compute());
  return future.get();
}

template <class State>
Result<State> Evaluator::Compute(const std::string& id) {
  const char* type = CoreTypeOf<State>::kName;
  std::shared_ptr<const Node> node = services_->nodes().Get(id);
  if (!node || node->type != type) {
    return Status::Failed(std::string("unknown ") + type + " " + id +
                          ": objects live only in the engine session that made them");
  }
  const CoreFunction* function =
      CoreCatalog::Get().Find(node->call.object(), node->call.function());
  const CoreBuild<State>* build =
      function ? std::get_if<CoreBuild<State>>(&function->impl) : nullptr;
  if (build == nullptr) {  // nodes are made only from declared lazy functions
    return Status::Failed(node->call.object() + "." + node->call.function() +
                          " cannot be evaluated as a " + type);
  }
  CoreCall call(*services_, node->call, *function);
  return (*build)(call);
}

template <class State>
void Evaluator::EvaluateReceiversFirst(const std::string& id) {
  const char* type = CoreTypeOf<State>::kName;
  Memo<State>& memo = std::get<Memo<State>>(memos_);
  std::vector<std::string> below;  // receivers not evaluated yet, topmost first
  std::shared_ptr<const Node> node = services_->nodes().Get(id);
  while (node && node->type == type) {
    const CoreFunction* function =
        CoreCatalog::Get().Find(node->call.object(), node->call.function());
    const std::string& receiver = node->call.receiver().id();
    if (function == nullptr || !function->receiver_first || receiver.empty()) break;
    {
      std::lock_guard lock(mutex_);
      if (memo.count(receiver) > 0) break;
    }
    node = services_->nodes().Get(receiver);
    if (!node || node->type != type) break;
    below.push_back(receiver);
  }
  for (auto it = below.rbegin(); it != below.rend(); ++it) {
    // Each finds its receiver evaluated; an error is remembered and met again by the caller.
    if (!Once<State>(&memo, *it, [&] { return Compute<State>(*it); }).ok()) break;
  }
}

template <class State>
Result<State> Evaluator::Evaluate(const std::string& id) {
  EvaluateReceiversFirst<State>(id);
  return Once<State>(&std::get<Memo<State>>(memos_), id, [&] { return Compute<State>(id); });
}

template Result<ContainerState> Evaluator::Evaluate(const std::string&);
template Result<Snapshot> Evaluator::Evaluate(const std::string&);
template Result<FileState> Evaluator::Evaluate(const std::string&);
template Result<CacheVolumeState> Evaluator::Evaluate(const std::string&);
template Result<HostState> Evaluator::Evaluate(const std::string&);

Result<std::string> Evaluator::FileDigestOf(const std::string& id) {
  return Once<std::string>(&std::get<Memo<std::string>>(memos_), id, [&]() -> Result<std::string> {
    Result<FileState> file = File(id);
    if (!file.ok()) return file.status();
    return FileDigest(file->path);
  });
}

}  // namespace host
