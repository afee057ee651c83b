// The engine's output as events: streams that `host serve` gives the engine for progress and
// module logs, whose lines go to every Watch client (and on to standard error).
#ifndef HOST_ENGINE_EVENT_HUB_H_
#define HOST_ENGINE_EVENT_HUB_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "core/remote/grpc_plugin.h"

namespace host::remote {

// Fans lines written to its streams out to subscribers. Thread-safe.
class EventHub {
 public:
  // Events a subscriber may fall behind by; older ones are dropped and counted.
  static constexpr size_t kBacklog = 4096;

  EventHub();
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // A stream whose lines become events of kind; its bytes are also written to copy when given.
  // Valid as long as the hub.
  std::ostream& Stream(EngineEvent::Kind kind, std::ostream* copy);

  // The events published from now on.
  std::unique_ptr<EventSubscription> Subscribe();

  // Sends an event to every subscriber.
  void Publish(EngineEvent::Kind kind, std::string text);

 private:
  struct Queue;
  class Subscription;
  class LineBuffer;

  std::mutex mutex_;
  std::vector<std::weak_ptr<Queue>> queues_;
  std::vector<std::unique_ptr<LineBuffer>> buffers_;
  std::vector<std::unique_ptr<std::ostream>> streams_;
};

}  // namespace host::remote

#endif  // HOST_ENGINE_EVENT_HUB_H_
