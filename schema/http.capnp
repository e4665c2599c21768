@0xcca1b08c91c0e049;
# Outbound HTTP for sessions and cells. Grafted as `http-client`.

interface HttpClient {
  # Makes HTTP(S) requests on the caller's behalf, only to the hosts its
  # allowlist names. The server that issued the capability holds the
  # allowlist and checks every request, including each redirect, against
  # it; the caller can neither see nor change it. A request to any other
  # host fails with `permission-denied`, naming the host. Responses larger
  # than the node's message limit fail rather than being cut short.

  get @0 (url :Text, headers :List(Header)) -> (response :Response);
  # Sends a GET request to `url` (`http://` or `https://`) with `headers`
  # and returns the response, whatever its status. Redirects are followed
  # while they stay on allowed hosts.

  post @1 (url :Text, headers :List(Header), body :Data)
       -> (response :Response);
  # Sends a POST request to `url` with `headers` and `body` and returns
  # the response, whatever its status. Set `content-type` in `headers`.
}

struct Header {
  # One HTTP header. A name may occur more than once.

  name @0 :Text;
  # The header name; compared without regard to case.

  value @1 :Text;
  # The header value.
}

struct Response {
  # The response to a request.

  status @0 :UInt16;
  # The HTTP status code, such as 200 or 404.

  headers @1 :List(Header);
  # The response headers, in the order received, names in lower case.

  body @2 :Data;
  # The response body, decoded from any content-encoding.
}
