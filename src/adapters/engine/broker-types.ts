/** The part of a bpmn-elements activity broker the engine extensions use: temporary subscriptions. */
export interface TmpSubscriber<Message> {
  subscribeTmp(
    exchange: string,
    pattern: string,
    handler: (routingKey: string, message: Message) => void,
    options: { noAck: boolean; consumerTag: string; priority: number },
  ): void;
}
