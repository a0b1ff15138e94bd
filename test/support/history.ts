import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The local activities a history recorded (the SDK's markers), in order, by activity type. */
export function localActivitiesRecorded(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    if (!data) return [];
    const { activity_type: activityType } = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string };
    return activityType ? [activityType] : [];
  });
}
