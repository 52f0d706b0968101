// The rabbitmq-c 0.11 API (Debian 12 ships flat headers), plus what Swift cannot import by
// itself: method ids (macros with casts) and the variadic login call.
#ifndef CSWITCHYARD_AMQP_SHIM_H
#define CSWITCHYARD_AMQP_SHIM_H

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const amqp_method_number_t SY_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t SY_CONNECTION_CLOSE_OK = AMQP_CONNECTION_CLOSE_OK_METHOD;
static const amqp_method_number_t SY_CONNECTION_BLOCKED = AMQP_CONNECTION_BLOCKED_METHOD;
static const amqp_method_number_t SY_CONNECTION_UNBLOCKED = AMQP_CONNECTION_UNBLOCKED_METHOD;
static const amqp_method_number_t SY_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t SY_CHANNEL_CLOSE_OK = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t SY_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t SY_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t SY_BASIC_PUBLISH = AMQP_BASIC_PUBLISH_METHOD;
static const amqp_method_number_t SY_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t SY_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t SY_BASIC_REJECT = AMQP_BASIC_REJECT_METHOD;
static const amqp_method_number_t SY_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t SY_BASIC_GET_OK = AMQP_BASIC_GET_OK_METHOD;
static const amqp_method_number_t SY_BASIC_GET_EMPTY = AMQP_BASIC_GET_EMPTY_METHOD;

/// amqp_login_with_properties with SASL PLAIN (the C function is variadic).
static inline amqp_rpc_reply_t sy_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                   int channel_max, int frame_max, int heartbeat,
                                                   const amqp_table_t *client_properties,
                                                   const char *user, const char *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, client_properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

#endif
